"""Each group's address in /api/v1/groups/, reversed once a request (groups.directory.api.group_urls), is the
address the group's page has: for any slug, host and script prefix (a site served under /directory/)."""

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.directory.api import group_urls

slugs = st.one_of(st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True), st.text(min_size=1, max_size=20),
                  st.sampled_from(["café", "a b", "a/b", "--slug--", "%41", "x?y#z"]))


@settings(max_examples=200, deadline=None)
@given(slug=slugs, host=st.sampled_from(["testserver", "example.org:8000"]),
       prefix=st.sampled_from(["/", "/directory/", "/dir ectory/"]), secure=st.booleans())
def test_a_groups_address_is_its_pages_address(slug, host, prefix, secure):
    set_script_prefix(prefix)
    try:
        request = RequestFactory().get("/api/v1/groups/", HTTP_HOST=host, secure=secure)
        try:
            expected = request.build_absolute_uri(reverse("groups:detail", args=[slug]))
        except NoReverseMatch:  # no page has such a slug (a SlugField takes none): neither gives an address
            with pytest.raises(NoReverseMatch):
                group_urls(request)(slug)
            return
        assert group_urls(request)(slug) == expected
    finally:
        set_script_prefix("/")
