"""The group form offers only real answers, asks only what a frequency needs, and fills what it can look up."""

import re
from decimal import Decimal

import pytest

from groups.coordination.choices import COMMON_TIME_ZONES, canonical_time_zones, time_zone_choices
from groups.coordination.forms import GroupForm, MeetingTimeForm, PlaceForm
from groups.models import Group, Place
from tests.groups.coordination.test_coordinate import edit_data, form_data, logged_in

pytestmark = pytest.mark.django_db(transaction=True)


def page_of(response):
    return response.content.decode()


class TestChoices:
    def test_facilitation_attendance_and_frequency_offer_no_blank_radio(self):
        page = GroupForm().as_div() + MeetingTimeForm(prefix="meetings-0").as_div()
        for name in ["facilitation", "attendance", "meetings-0-frequency"]:
            values = re.findall(rf'name="{name}" value="([^"]*)"', page)
            assert values and "" not in values, name
        assert "---------" not in re.sub(r"<select.*?</select>", "", page, flags=re.S)

    def test_time_zones_start_with_common_places_by_city_then_every_current_zone(self):
        (common_title, common), (all_title, rest) = time_zone_choices("Europe/London")
        assert str(common_title) == "Common time zones"
        assert common[:2] == [("Europe/London", "London time"), ("Europe/Dublin", "Dublin time")]
        assert ("America/New_York", "New York time") in common
        names = [name for name, _label in rest]
        assert "Asia/Dhaka" in names and "Europe/Oslo" in names
        assert "UTC" not in names and "Europe/London" not in names  # each zone once: the common ones first
        # Old names kept only for backward compatibility are not offered.
        for alias in ["US/Eastern", "Europe/Kiev", "GB", "Asia/Calcutta", "Etc/GMT+5"]:
            assert alias not in names and alias not in COMMON_TIME_ZONES
        assert len(canonical_time_zones()) < 450

    def test_a_listing_with_an_old_zone_name_keeps_it(self):
        form = GroupForm(instance=Group(name="Old", time_zone="US/Eastern"))
        html = str(form["time_zone"])
        assert '<option value="US/Eastern" selected>' in html
        assert html.count("<option") < 460

    def test_the_country_is_chosen_from_a_list_of_countries(self):
        html = str(PlaceForm(prefix="place")["country"])
        assert '<option value="GB">United Kingdom</option>' in html
        assert '<option value="IE">Ireland</option>' in html
        assert PlaceForm({"place-city": "Leeds", "place-country": "XX", "place-address_visibility": "public"},
                         prefix="place").errors["country"]


class TestMeetingFields:
    def test_each_dependent_field_names_the_frequencies_that_use_it(self, coordinator, make_group):
        page = page_of(logged_in(coordinator).get("/coordinate/groups/new/"))
        week = page.index('class="field meeting__field meeting__field--monthly"')
        assert "For monthly meetings only." in page[week:week + 400]
        starts_on = re.search(r'class="field meeting__field ([^"]*)">\s*<p class="meeting__applies">For meetings '
                              r'every few weeks only.</p>\s*<label for="id_meetings-0-starts_on"', page)
        assert starts_on and starts_on.group(1) == "meeting__field--every-n-weeks"

    def test_only_saved_meetings_have_a_remove_box(self, coordinator, make_group):
        group = make_group("Circle", slug="circle", meetings=[{"frequency": "weekly", "weekday": 1}])
        group.coordinators.add(coordinator)
        page = page_of(logged_in(coordinator).get("/coordinate/groups/circle/edit/"))
        assert page.count('name="meetings-0-DELETE"') == 1
        assert "Remove this meeting time" in page
        assert 'name="meetings-1-DELETE"' not in page and 'name="meetings-2-DELETE"' not in page

    def test_fields_a_frequency_does_not_use_are_emptied(self):
        form = MeetingTimeForm({"frequency": "weekly", "weekday": "2", "week_of_month": "3", "interval_weeks": "4",
                                "starts_on": "2026-01-05", "start_time": "10:00", "end_time": ""})
        assert form.is_valid(), form.errors
        assert (form.cleaned_data["week_of_month"], form.cleaned_data["starts_on"]) == (None, None)
        assert form.cleaned_data["interval_weeks"] == 1

    def test_every_few_weeks_asks_how_many(self):
        form = MeetingTimeForm({"frequency": "every-n-weeks", "weekday": "2", "interval_weeks": "",
                                "starts_on": "2026-12-02", "start_time": "10:00"})
        assert form.errors["interval_weeks"] == ["Say every how many weeks the group meets, e.g. 2."]


class TestCoordinatesFromThePlaceName:
    def test_empty_coordinates_are_filled_from_the_town(self, coordinator, taxonomy):
        logged_in(coordinator).post("/coordinate/groups/new/", form_data(taxonomy, action="save"))
        place = Place.objects.get(group__name="Harbour Evening Circle")
        assert abs(place.latitude - Decimal("53.80")) < 1 and abs(place.longitude - Decimal("-1.55")) < 1

    def test_typed_coordinates_are_kept(self, coordinator, taxonomy):
        logged_in(coordinator).post("/coordinate/groups/new/", form_data(
            taxonomy, action="save", **{"place-latitude": "53.5", "place-longitude": "-1.25"}))
        place = Place.objects.get(group__name="Harbour Evening Circle")
        assert (place.latitude, place.longitude) == (Decimal("53.5"), Decimal("-1.25"))

    def test_a_new_town_moves_coordinates_that_were_filled_for_the_old_one(self, coordinator, taxonomy):
        client = logged_in(coordinator)
        client.post("/coordinate/groups/new/", form_data(taxonomy, action="save"))
        group = Group.objects.get(name="Harbour Evening Circle")
        client.post(f"/coordinate/groups/{group.slug}/edit/",
                    edit_data(client, group.slug, action="save", **{"place-city": "Bristol"}))
        place = Place.objects.get(group=group)
        assert abs(place.latitude - Decimal("51.45")) < 1 and abs(place.longitude - Decimal("-2.59")) < 1

    def test_a_town_not_found_is_said_and_the_listing_still_saved(self, coordinator, taxonomy):
        response = logged_in(coordinator).post("/coordinate/groups/new/", form_data(
            taxonomy, action="save", **{"place-city": "Nowhereville Qqq"}), follow=True)
        assert "We could not find “Nowhereville Qqq” in the country you chose" in page_of(response)
        place = Place.objects.get(group__name="Harbour Evening Circle")
        assert place.latitude is None


class TestPreviewAndErrors:
    def test_the_preview_offers_submit_for_review_which_submits(self, coordinator, taxonomy):
        client = logged_in(coordinator)
        response = client.post("/coordinate/groups/new/", form_data(taxonomy, action="preview"), follow=True)
        page = page_of(response)
        group = Group.objects.get(name="Harbour Evening Circle")
        assert f'action="/coordinate/groups/{group.slug}/submit/"' in page
        assert ">Submit for review</button>" in page
        client.post(f"/coordinate/groups/{group.slug}/submit/")
        assert Group.objects.get(pk=group.pk).status == Group.Status.PENDING
        # Once submitted, the preview offers no second submit.
        assert ">Submit for review</button>" not in page_of(client.get(f"/coordinate/groups/{group.slug}/preview/"))

    def test_the_error_summary_is_focused_when_the_page_loads(self, coordinator, taxonomy):
        response = logged_in(coordinator).post("/coordinate/groups/new/", {
            "name": "Half", "action": "submit", "meetings-TOTAL_FORMS": "0", "meetings-INITIAL_FORMS": "0"})
        assert re.search(r'<div[^>]*tabindex="-1" id="error-summary" autofocus>', page_of(response))
