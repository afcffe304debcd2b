"""The footer's Open data page: the licence (a setting), the API's links and what is never shared."""

import pytest

pytestmark = pytest.mark.django_db


def test_footer_links_to_the_open_data_page(client):
    assert 'href="/open-data/">Open data</a>' in client.get("/").content.decode()


def test_open_data_page_names_the_licence_and_links_the_api(client, settings, make_group):
    settings.OPEN_DATA_LICENCE_NAME = "Open Data Commons Attribution Licence"
    settings.OPEN_DATA_LICENCE_URL = "https://opendatacommons.example/by/"
    make_group("One", slug="one")
    response = client.get("/open-data/")
    page = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "offered under Open Data Commons Attribution Licence" in page
    assert 'href="https://opendatacommons.example/by/" rel="noopener noreferrer"' in page
    assert "There is 1 published group today." in page
    for path in ["/api/hsds/", "/api/hsds/services", "/api/hsds/organizations", "/api/hsds/openapi.json"]:
        assert f'href="{path}"' in page
    assert "never its street or postcode" in page and "without the link to join" in page


def test_the_api_names_the_same_licence(client, settings):
    settings.OPEN_DATA_LICENCE_NAME = "CC BY 4.0"
    spec = client.get("/api/hsds/openapi.json").json()
    assert spec["info"]["license"]["name"] == "CC BY 4.0"
    assert spec["paths"]["/services"]  # the official description, served whole
    index = client.get("/api/hsds/").json()
    assert index["version"] == "3.0" and index["profile"].endswith("/open-data/")
