"""Whether a group takes messages is the coordinators' choice in the listing, reviewed like any other change."""

import pytest
from django.test import Client

from groups.models import Group
from tests.groups.coordination.test_coordinate import edit_data

pytestmark = pytest.mark.django_db


def test_turning_messages_on_is_a_proposed_change_staff_see_before_it_is_public(make_user, make_group):
    coordinator, staff = make_user("coordinator@example.org"), make_user("staff@example.org", staff=True, mfa=True)
    group = make_group("Drop-in Circle", slug="drop-in-circle", accepts_messages=False)
    group.coordinators.add(coordinator)
    client, reviewer = Client(), Client()
    client.force_login(coordinator)
    reviewer.force_login(staff)
    assert "/contact/" not in client.get(group.get_absolute_url()).content.decode()

    response = client.post(f"/coordinate/groups/{group.slug}/edit/",
                           edit_data(client, group.slug, accepts_messages="on", action="submit"))
    assert response.status_code == 302
    revision = Group.objects.get(revision_of=group)
    assert revision.accepts_messages and not Group.objects.get(pk=group.pk).accepts_messages
    page = " ".join(reviewer.get(f"/coordinate/review/{revision.pk}/").content.decode().split())
    assert ('<th scope="row">Accept messages through SupportFinder</th><td><del>no</del></td><td><ins>yes</ins></td>'
            in page)
    assert "/contact/" not in client.get(group.get_absolute_url()).content.decode()  # not until approved
