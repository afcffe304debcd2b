"""Ready for other languages: the page follows the browser's language among those with translations."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_without_translations_pages_stay_in_english(client, make_group):
    make_group("Circle", slug="circle")
    page = client.get("/groups/circle/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in page


def test_a_language_with_translations_is_chosen_from_the_browser_and_dates_follow_it(client, make_group, settings):
    # Django ships French names for months and days, so a French page shows them without our own catalogue.
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
    confirmed = timezone.make_aware(datetime.datetime(2026, 12, 3, 12, 0))
    make_group("Circle", slug="circle", last_confirmed_at=confirmed)
    french = client.get("/groups/circle/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert '<html lang="fr">' in french and "3 décembre 2026" in french
    english = client.get("/groups/circle/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert '<html lang="en">' in english and "3 December 2026" in english
    # Choosing a language by the browser sets no cookie.
    assert not client.get("/groups/circle/", HTTP_ACCEPT_LANGUAGE="fr").cookies
