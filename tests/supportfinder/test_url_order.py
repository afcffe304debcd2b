"""Every named URL resolves back to its own view: no pattern is shadowed by one listed before it.

The directory's patterns come first in supportfinder/urls.py (they are most of the traffic, and Django tries
patterns in order); this test fails if one of them, or any other, ever takes a path meant for a later pattern
(a path under /groups/<slug>/contact/ answered by the group's page, say)."""

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

# A value of each converter's kind that no pattern treats as a literal segment; regular-expression groups
# (allauth's) get "abc".
SAMPLES = {"SlugConverter": "a-group", "IntConverter": 7, "StringConverter": "a-value",
           "UUIDConverter": "12345678-1234-5678-1234-567812345678", "PathConverter": "a/b"}


def named_patterns(patterns, namespace="", arguments=None):
    """(namespaced name, {kwarg: sample value}) for every named pattern, through the includes."""
    for entry in patterns:
        here = {**(arguments or {}), **_arguments(entry.pattern)}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner, here)
        elif entry.name:
            yield f"{namespace}{entry.name}", here


def _arguments(pattern):
    if isinstance(pattern, RoutePattern):
        return {key: SAMPLES[type(converter).__name__] for key, converter in pattern.converters.items()}
    return dict.fromkeys(pattern.regex.groupindex, "abc")


PATTERNS = dict(named_patterns(get_resolver().url_patterns))
PATTERNS["admin:app_list"] = {"app_label": "groups"}  # its expression lists the installed apps' labels
# Shadowed on purpose: staff change their password through allauth (supportfinder/urls.py).
DELIBERATELY_SHADOWED = {"admin:password_change"}


def test_the_directory_is_tried_first():
    first_include = get_resolver().url_patterns[1]
    assert isinstance(first_include, URLResolver) and first_include.namespace == "groups"
    assert {"groups:detail", "groups:list", "contact:form", "reports:report", "account_login"} <= set(PATTERNS)


def test_the_password_change_of_the_admin_goes_to_allauth():
    assert resolve(reverse("admin:password_change")).func.view_class.__name__ == "RedirectView"


@pytest.mark.parametrize("name", sorted(set(PATTERNS) - DELIBERATELY_SHADOWED))
def test_each_named_url_resolves_to_itself(name):
    path = reverse(name, kwargs=PATTERNS[name])
    assert resolve(path).view_name == name, f"{path} is answered by {resolve(path).view_name}, not {name}"
