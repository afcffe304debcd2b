"""Fuzz the HSDS API from openapi.json: every documented parameter, generated from its schema
(hypothesis-jsonschema) and as arbitrary text, never gives a 5xx; every 200 conforms to the schemas."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from groups.opendata.api import SCHEMA_DIR

from .branches import branches  # noqa: F401 (fixture)
from .conftest import assert_valid

SPEC = json.loads((SCHEMA_DIR / "openapi.json").read_text())
ITEM_KIND = {"services": "service", "service_at_locations": "service_at_location", "organizations": "organization",
             "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


def parameters(path):
    """The query parameters openapi.json documents for a path's GET, $refs resolved."""
    found = {}
    operation = SPEC["paths"][path]["get"]
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = SPEC["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            schema = dict(parameter["schema"])
            if schema.get("format") == "datetime":  # the spec's spelling; JSON Schema says date-time
                schema["format"] = "date-time"
            found[parameter["name"]] = schema
    return found


def query_strategy(path):
    """A dict of query parameters: values from their schemas, or any text at all."""
    value_strategies = {
        name: st.one_of(from_schema(schema), st.text(max_size=30)).map(as_query_value)
        for name, schema in parameters(path).items()
    }
    return st.fixed_dictionaries({}, optional=value_strategies)


def as_query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\x00", "")


def check(response, name):
    assert response.status_code < 500, response.content[:300]
    if response.status_code != 200:
        return
    if response.get("Content-Type", "").startswith("application/x-ndjson"):
        for line in b"".join(response.streaming_content).decode().splitlines():
            assert_valid(ITEM_KIND[name], json.loads(line))
        return
    body = response.json()
    if isinstance(body, list):  # minimal=true: ids and dates
        return
    for item in body["contents"]:
        assert_valid(ITEM_KIND[name], item)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ITEM_KIND))
def test_lists_never_fail_and_always_conform(client, branches, name):  # noqa: F811
    @FUZZ
    @given(query=query_strategy(f"/{name}"))
    def run(query):
        check(client.get(f"/api/hsds/{name}", query), name)

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ITEM_KIND))
def test_single_objects_never_fail(client, branches, name):  # noqa: F811
    known = [item["id"] for item in client.get(f"/api/hsds/{name}", {"per_page": 500}).json()["contents"]]

    @FUZZ
    @given(identifier=st.one_of(st.sampled_from(known), st.uuids().map(str),
                                st.text(min_size=1, max_size=40)))
    def run(identifier):
        response = client.get(f"/api/hsds/{name}/{quote(identifier, safe='')}")
        assert response.status_code in (200, 404), response.content[:300]
        if response.status_code == 200:
            assert_valid(ITEM_KIND[name], response.json())

    run()
