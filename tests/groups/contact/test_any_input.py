"""No posted value makes the contact form fail: it is sent (302) or shown again (400), and a stored message never
breaks the inbox."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.contact.guard import shown_at_stamp
from groups.models import ContactMessage

pytestmark = pytest.mark.django_db

FIELDS = ["name", "reply_to", "safe_times", "may_identify", "message", "website", "shown_at"]
text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=1200)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=st.dictionaries(st.sampled_from(FIELDS), text), stamp=st.booleans())
def test_any_posted_values_send_or_show_the_form_again(group, coordinator, fill_time, values, stamp):
    if stamp:
        values["shown_at"] = shown_at_stamp()
    response = Client().post(reverse("contact:form", args=[group.slug]), values)
    assert response.status_code in (302, 400, 429)
    inbox = Client()
    inbox.force_login(coordinator)
    assert inbox.get(reverse("contact:inbox")).status_code == 200
    ContactMessage.objects.all().delete()
