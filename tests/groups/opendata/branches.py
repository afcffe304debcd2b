"""Groups built to hit every branch of the HSDS mapping, and the secrets none of them may leak."""

import datetime

import pytest
from django.utils import timezone

from groups.core.models import Group

SECRETS = [
    "1 Hidden Lane", "LS6 9ZZ", "53.812345", "-1.567891",  # area-only street, postcode, exact point
    "7 Private Row", "M1 1ZZ", "53.481111", "-2.241111",  # on-request street, postcode, point
    "join.example", "meet-secret", "coordinator@example.org", "REF-SECRET-42", "staff only note",
]


@pytest.fixture
def branches(make_group, make_user, accrediting_body):
    """One group per mapping branch, by name; plus groups that must never appear."""
    today = timezone.localdate()
    coordinator = make_user("coordinator@example.org")
    weekly = {"frequency": "weekly", "weekday": 1, "start_time": "19:00", "end_time": "20:30"}
    found = {
        "public": make_group(
            "Open Door Circle", slug="open-door", host_name="Safe Haven Trust", host_website="https://haven.example/",
            place={"address_line1": "12 Market Street", "postcode": "LS1 6AA", "city": "Leeds",
                   "region": "West Yorkshire", "latitude": "53.799999", "longitude": "-1.549999",
                   "address_visibility": "public"},
            access=("wheelchair", "hearing-loop"), population=("women",), language=("en", "fr"),
            meetings=[weekly], age_min=18, contact_email="hello@haven.example", contact_phone="0113 000 0000",
            join_link="https://join.example/meet-secret", capacity="waiting-list",
            claims=[{"body": accrediting_body, "status": "verified", "valid_until": today + datetime.timedelta(days=90),
                     "verified_at": timezone.now(), "reference": "REF-SECRET-42", "note": "staff only note"}],
        ),
        "area": make_group(
            "Area Only Group", slug="area-only", host_name="Safe Haven Trust", cost="donation",
            place={"address_line1": "1 Hidden Lane", "postcode": "LS6 9ZZ", "city": "Leeds", "region": "West Yorkshire",
                   "latitude": "53.812345", "longitude": "-1.567891", "address_visibility": "area-only"},
            meetings=[{"frequency": "every-n-weeks", "interval_weeks": 2, "weekday": 3, "start_time": "10:00",
                       "end_time": "11:30", "starts_on": datetime.date(2026, 1, 8)}],
            claims=[{"body": accrediting_body, "status": "claimed", "reference": "REF-SECRET-42"}],
        ),
        "request": make_group(
            "On Request Group", slug="on-request", cost="fee", cost_details="£5 a session",
            place={"address_line1": "7 Private Row", "postcode": "M1 1ZZ", "city": "Manchester",
                   "latitude": "53.481111", "longitude": "-2.241111", "address_visibility": "on-request"},
            meetings=[{"frequency": "monthly", "weekday": 5, "week_of_month": 1, "start_time": "10:00",
                       "end_time": "12:00"},
                      {"frequency": "monthly", "weekday": 0, "week_of_month": -1, "start_time": "18:00"}],
            claims=[{"body": accrediting_body, "status": "verified", "valid_until": today - datetime.timedelta(days=1),
                     "verified_at": timezone.now()}],
        ),
        "online": make_group(
            "Online Evening Group", slug="online", formats=("online",), time_zone="America/New_York",
            join_link="https://join.example/meet-secret",
            meetings=[{"frequency": "by-arrangement"}, weekly, weekly],
        ),
        "paused": make_group("Paused Group", slug="paused", status=Group.Status.PAUSED, host_name="Quiet Trust",
                             formats=("hybrid",)),
    }
    for group in found.values():
        group.coordinators.add(coordinator)
    hidden = {
        status: make_group(f"Hidden {status}", slug=f"hidden-{status}", status=status, host_name="Hidden Host")
        for status in [Group.Status.DRAFT, Group.Status.PENDING, Group.Status.CLOSED, Group.Status.REVISION]
    }
    found["hidden"] = hidden
    return found
