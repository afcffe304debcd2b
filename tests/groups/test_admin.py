"""Every model of the directory is in the admin, with search and list filters that work."""

import pytest
from django.contrib import admin
from django.test import Client

from groups import models
from groups.core.vocabulary import TAXONOMIES

pytestmark = pytest.mark.django_db

DIRECTORY_MODELS = [
    models.Group, models.Place, models.MeetingTime, models.GroupType, models.TraumaType, models.Population,
    models.Format, models.Language, models.Cost, models.AccessibilityFeature, models.AccreditingBody,
    models.AccreditationClaim, models.ModerationDecision,
]


def test_every_directory_model_is_registered_with_search_and_filters_that_load(make_user, make_group, today,
                                                                                accrediting_body):
    group = make_group("Admin Circle", place={"city": "Leeds"},
                       meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}],
                       claims=[{"body": accrediting_body, "status": "verified", "valid_until": today}])
    superuser = make_user("admin@example.org", staff=True, mfa=True)
    superuser.is_superuser = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    for model in DIRECTORY_MODELS:
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, model
        assert model_admin.search_fields, model
        url = f"/admin/groups/{model._meta.model_name}/"
        assert client.get(url, {"q": "circle"}).status_code == 200, url
        if model_admin.list_filter and not isinstance(model_admin.list_filter[0], tuple):
            assert client.get(url, {"_facets": "True"}).status_code == 200, url
    page = client.get(f"/admin/groups/group/{group.pk}/change/")
    assert page.status_code == 200 and "Admin Circle" in page.content.decode()


def test_every_taxonomy_can_be_managed_and_chosen_on_a_group(make_user):
    """Adding a taxonomy to groups.core.vocabulary brings its terms into the admin; the group form must place it."""
    superuser = make_user("admin@example.org", staff=True, mfa=True)
    superuser.is_superuser = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    group_fields = {field for _name, options in admin.site._registry[models.Group].fieldsets
                    for field in options["fields"]}
    page = client.get("/admin/groups/group/add/").content.decode()
    for taxonomy in TAXONOMIES:
        assert taxonomy.model in admin.site._registry, taxonomy.param
        assert client.get(f"/admin/groups/{taxonomy.model._meta.model_name}/").status_code == 200, taxonomy.param
        assert taxonomy.field in group_fields, taxonomy.field
        assert f'name="{taxonomy.field}"' in page, taxonomy.field
