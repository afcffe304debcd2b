"""Whatever arrives in the query string, the search page and the JSON answer 200 with warnings, never an error."""

import random

import pytest

pytestmark = pytest.mark.django_db

ODD_VALUES = ["", "x", "0", "-1", "1e308", "nan", "inf", "%00", "\x00", "'", '"', "<script>", "9" * 50, "é", "🙂",
              ",", ",,", "1,2", "-999", "91", "-181", "mon,tue", "Leeds", "London, Canada", "LS1 4AP", "a" * 500]
PARAMETERS = ["q", "type", "trauma", "population", "format", "language", "cost", "access", "accredited", "near",
              "lat", "lng", "radius", "day", "time", "sort", "page"]


def test_random_combinations_of_odd_values(client, make_group):
    make_group("Leeds Circle", place={"city": "Leeds", "latitude": "53.8", "longitude": "-1.5"},
               meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}])
    rng = random.Random(2026)  # the same combinations every run
    for _ in range(150):
        query = {name: rng.choice(ODD_VALUES) for name in rng.sample(PARAMETERS, rng.randint(1, 6))}
        assert client.get("/groups/", query).status_code == 200, query
        response = client.get("/api/v1/groups/", query)
        assert response.status_code == 200, query
        assert isinstance(response.json()["warnings"], list)
