"""Issue 10: the admin cannot publish. Every change and add form of every model of groups in the admin is posted
as a superuser, asking for "published" and "verified" wherever a status can be given; afterwards no listing is
public and no claim verified without the decision that records it (ModerationDecision, ClaimDecision)."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client

from groups import models

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would post from the admin's main form (the one with id ending "_form")."""

    def __init__(self):
        super().__init__()
        self.data, self.inside, self.select, self.textarea = {}, False, None, None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.inside = True
        if not self.inside or "name" not in attrs and tag not in ("option",):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.lstrip("\n") if not self.data[self.textarea][-1] else data


def posted_form(client, url, asked):
    """GET the admin form at `url`, then post it back with every field named in `asked` set to its value."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    parser = FormFields()
    parser.feed(page.content.decode())
    data = {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}
    for name in list(data):
        field = name.rsplit("-", 1)[-1]
        if field in asked:
            data[name] = asked[field]
    data.update({name: value for name, value in asked.items() if name not in data and name == "status"})
    data["_save"] = "Save"
    return client.post(url, data)


def published_without_decision():
    public = models.Group.objects.filter(status__in=models.Group.PUBLIC_STATUSES)
    return list(public.exclude(decisions__action=models.ModerationDecision.Action.APPROVED))


def verified_without_decision():
    verified = models.AccreditationClaim.objects.filter(status="verified")
    return list(verified.exclude(decisions__action=models.ClaimDecision.Action.VERIFIED))


def test_no_admin_form_publishes_a_listing_or_verifies_a_claim(make_user, make_group, accrediting_body, today):
    group = make_group("Draft Circle", status="draft", place={"city": "Leeds"},
                       meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}],
                       claims=[{"body": accrediting_body, "status": "claimed"}])
    models.ModerationDecision.objects.create(group=group, action="submitted")
    superuser = make_user("admin@example.org", staff=True, mfa=True)
    superuser.is_superuser = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    asked = {"status": "published", "valid_until": today.isoformat(), "verified_at_0": today.isoformat(),
             "verified_at_1": "10:00:00", "checked_how": "register"}
    walked = []
    for model in list(admin.site._registry):
        if model._meta.app_label != "groups":
            continue
        base = f"/admin/groups/{model._meta.model_name}/"
        targets = [f"{base}add/"]
        instance = model._default_manager.first()
        if instance is not None:
            targets.append(f"{base}{instance.pk}/change/")
        for url in targets:
            for status in ("published", "paused", "verified"):
                response = posted_form(client, url, {**asked, "status": status})
                assert response.status_code in (200, 302, 403), (url, response.status_code)
                walked.append(url)
                assert not published_without_decision(), (url, status)
                assert not verified_without_decision(), (url, status)
    assert f"/admin/groups/group/{group.pk}/change/" in walked
    assert f"/admin/groups/accreditationclaim/{group.accreditation_claims.get().pk}/change/" in walked
    # The walk did post: the group's name can still be corrected in the admin.
    response = posted_form(client, f"/admin/groups/group/{group.pk}/change/",
                           {"name": "Draft Circle, corrected"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Draft Circle, corrected" and group.status == "draft"
