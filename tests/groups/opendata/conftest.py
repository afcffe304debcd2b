"""Validation against the official HSDS 3.0 schemas: Draft 2020-12, formats checked, $refs resolved locally.

The schemas (groups/opendata/schema/, copied unmodified from openreferral/specification) $ref each other by
file name, so every file is registered under the spec's own base URI and nothing is ever fetched.
"""

import datetime
import json
import urllib.parse
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "groups" / "opendata" / "schema"
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

FORMATS = FormatChecker()


# jsonschema checks "date-time" and "uri" only when optional packages are installed; check them here
# so that format checking is really on for every format HSDS uses.
@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    if not isinstance(value, str):
        return True
    parsed = datetime.datetime.fromisoformat(value)
    return parsed.tzinfo is not None


@FORMATS.checks("uri", raises=ValueError)
def is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


def _registry():
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text())
        resources.append((BASE + path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validator(name):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": BASE + name}
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


VALIDATORS = {name: validator(f"{name}.json") for name in [
    "service", "organization", "location", "service_at_location", "taxonomy", "taxonomy_term", "schedule",
    "address", "accessibility", "language", "cost_option", "phone", "attribute",
]}


def assert_valid(kind, item):
    errors = sorted(VALIDATORS[kind].iter_errors(item), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{kind} {list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.fixture
def hsds_valid():
    return assert_valid
