import pytest

from groups.contact.guard import shown_at_stamp


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator@example.org")


@pytest.fixture
def group(make_group, coordinator):
    """A published group that takes messages, run by `coordinator`."""
    group = make_group("Evening Circle", slug="evening-circle", accepts_messages=True,
                       attendance="registration")
    group.coordinators.add(coordinator)
    return group


@pytest.fixture
def fill_time(settings):
    """No wait between showing the form and sending it, unless a test asks for one."""
    settings.CONTACT_MINIMUM_FILL_SECONDS = 0


@pytest.fixture
def form_data():
    """What a person types, with the stamp the page gave them."""

    def data(**changes):
        values = {
            "name": "Sam", "reply_to": "sam@example.org", "safe_times": "Weekdays 10am to 2pm",
            "may_identify": "no", "message": "I would like to join on a Tuesday.", "website": "",
            "shown_at": shown_at_stamp(),
        }
        values.update(changes)
        return values

    return data
