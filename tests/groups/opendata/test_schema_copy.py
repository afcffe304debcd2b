"""The schemas in groups/opendata/schema/ are the official ones, unmodified (compared with the shared copy
when this machine has it)."""

from pathlib import Path

import pytest

from .conftest import SCHEMA_DIR

SHARED = Path("/work/shared/hsds-3.0")


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared copy of the official schemas on this machine")
def test_every_schema_file_is_the_official_one():
    official = sorted(path.name for path in SHARED.glob("*.json"))
    assert official == sorted(path.name for path in SCHEMA_DIR.glob("*.json"))
    for name in official:
        assert (SCHEMA_DIR / name).read_bytes() == (SHARED / name).read_bytes(), name
    assert (SCHEMA_DIR / "LICENSE").read_bytes() == (SHARED / "LICENSE").read_bytes()
