"""Public pages are gzipped; a page carrying a CSRF token, a cookie or a signed-in visitor's data never is (BREACH)."""

import gzip

import pytest
from django.conf import settings


def gzipped(client, path, **extra):
    return client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate", **extra)


@pytest.mark.django_db
def test_search_page_is_compressed_and_still_reads_the_same(client, make_group):
    make_group(name="Thursday Circle of Survivors")
    response = gzipped(client, "/groups/")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Thursday Circle of Survivors" in gzip.decompress(response.content).decode()
    assert not response.cookies


@pytest.mark.django_db
def test_page_with_a_csrf_token_is_not_compressed(client):
    response = gzipped(client, "/accounts/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_page_for_a_signed_in_visitor_is_not_compressed(client, make_user, make_group):
    make_group(name="Thursday Circle of Survivors")
    client.force_login(make_user("reader@example.org"))
    response = gzipped(client, "/groups/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_connections_are_kept_between_requests_and_checked():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("level", [1, 9])
def test_the_level_is_the_settings_and_the_headers_are_djangos(client, make_group, settings, level):
    settings.PUBLIC_GZIP_LEVEL = level
    for number in range(12):
        make_group(name=f"Circle {number} of Survivors", summary="A warm group that meets in the evening. " * 3)
    response = gzipped(client, "/groups/")
    body = gzip.decompress(response.content)
    assert b"Circle 11 of Survivors" in body
    assert response["Content-Length"] == str(len(response.content))
    assert "Accept-Encoding" in response["Vary"]
    # The body compressed at exactly this level (no random padding in the header: the page holds no secret).
    assert response.content == gzip.compress(body, compresslevel=level, mtime=0)


@pytest.mark.django_db
def test_a_visitor_who_does_not_accept_gzip_gets_the_page_as_it_is(client, make_group):
    make_group(name="Thursday Circle of Survivors")
    response = client.get("/groups/", HTTP_ACCEPT_ENCODING="identity")
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]
    assert b"Thursday Circle of Survivors" in response.content
