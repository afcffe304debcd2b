"""The coordinator's group form, in sections: about, who it is for, format and place, meetings, joining."""

import re
import zoneinfo

from django import forms
from django.forms import inlineformset_factory
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groups.coordination.listing import (
    CONTENT_FIELDS,
    MEETING_FIELDS,
    PLACE_FIELDS,
    REQUIRED_M2M_TO_SUBMIT,
    REQUIRED_TO_SUBMIT,
    ListingContent,
)
from groups.core.forms import https_by_default
from groups.core.models import Group, MeetingTime, Place
from groups.core.vocabulary import M2M_FIELDS

ADDRESS_VISIBILITY_HINTS = {
    Place.Visibility.PUBLIC: _("Anyone can see the full address."),
    Place.Visibility.AREA_ONLY: _(
        "People see the town and region. You give the street after they contact you."
    ),
    Place.Visibility.ON_REQUEST: _(
        "Nobody sees the address, town or region, and no distance is shown. A search near a place does not list the "
        "group (people find it by its other details, or as an online or phone group if it also meets that way). "
        "You give the address after contact."
    ),
}
TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class GroupForm(forms.ModelForm):
    """The listing itself. A draft may be saved with only a name; everything else is checked on submit."""

    # The version the form was opened on (groups.coordination.selectors.edit_base): a save checks nobody else
    # saved since. Empty for a new listing, and for a public one whose first save makes its proposed change.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Group
        formfield_callback = https_by_default
        fields = [
            # about the group
            "name", "summary", "description", "host_name", "host_website",
            # who it is for
            "types", "trauma_types", "populations", "age_min", "age_max",
            # format
            "formats", "languages", "access_features", "time_zone",
            # how to join
            "facilitation", "attendance", "registration_details", "capacity", "cost", "cost_details",
            "contact_email", "contact_phone", "contact_url", "join_link", "accepts_messages",
        ]
        widgets = {
            "types": forms.CheckboxSelectMultiple,
            "trauma_types": forms.CheckboxSelectMultiple,
            "populations": forms.CheckboxSelectMultiple,
            "formats": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "access_features": forms.CheckboxSelectMultiple,
            "facilitation": forms.RadioSelect,
            "attendance": forms.RadioSelect,
            "capacity": forms.RadioSelect,
            "cost": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 6}),
            "registration_details": forms.Textarea(attrs={"rows": 3}),
            "time_zone": forms.Select(choices=TIME_ZONE_CHOICES),
        }
        help_texts = {
            "description": _("Plain text. Leave a blank line between paragraphs. What the group does and how."),
            "join_link": _("Never published: you give it to people after they have been in touch."),
            "contact_email": _("Shown on the listing. Use an address the group is happy to publish."),
            "registration_details": _("If registration is needed: what it involves, e.g. a short phone call."),
            "time_zone": _("Meeting times are entered and shown in this time zone."),
            "accepts_messages": _(
                "Adds “Contact this group” to your listing: people send a name, one safe way to reply, when it is "
                "safe, and a short note, without an account. Only your group's coordinators read it, after signing "
                "in (we email you that one is waiting, never what it says). Suggested when people must get in "
                "touch before they join."
            ),
        }

    SECTIONS = [
        (_("About the group"), ["name", "summary", "description", "host_name", "host_website"]),
        (_("Who it is for"), ["types", "trauma_types", "populations", "age_min", "age_max"]),
        (_("Format"), ["formats", "languages", "access_features", "time_zone"]),
        (_("How to join"), ["facilitation", "attendance", "registration_details", "capacity", "cost", "cost_details",
                            "contact_email", "contact_phone", "contact_url", "join_link", "accepts_messages"]),
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["cost"].empty_label = None
        self.fields["time_zone"].widget.choices = TIME_ZONE_CHOICES
        if not self.instance.pk:
            # Most survivor groups ask people to get in touch first: a new listing starts with messages on.
            self.fields["accepts_messages"].initial = True

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def require_everything_for_review(self):
        """Submitting (or previewing) needs what a draft may leave out."""
        for name in REQUIRED_TO_SUBMIT + REQUIRED_M2M_TO_SUBMIT:
            self.fields[name].required = True


class PlaceForm(forms.ModelForm):
    """Where the group meets in person. Leave the town empty for a group that meets only online or by phone."""

    class Meta:
        model = Place
        fields = ["address_visibility", "address_line1", "address_line2", "city", "region", "postcode", "country",
                  "latitude", "longitude"]
        widgets = {"address_visibility": forms.RadioSelect(attrs={"class": "choice-blocks"})}
        help_texts = {
            "address_visibility": _(
                "Refuges and many survivor groups keep their address private: choose what keeps your members safe."
            ),
            "latitude": _("Optional. Without it, searches use the centre of the town."),
            "country": _("Two letters, e.g. GB, IE, US, CA, AU."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ["city", "country"]:
            self.fields[name].required = False
        # Each choice says what it means for the people looking, next to its name (one block each, manage.css).
        self.fields["address_visibility"].choices = [
            (value, format_html('<span>{} <span class="choice-blocks__hint">{}</span></span>', label,
                                ADDRESS_VISIBILITY_HINTS[value]))
            for value, label in Place.Visibility.choices
        ]

    def has_place(self):
        return bool(self.cleaned_data.get("city"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("city") and not cleaned.get("country"):
            self.add_error("country", _("Give the country, e.g. GB."))
        if cleaned.get("country"):
            cleaned["country"] = cleaned["country"].upper()
        return cleaned

    def validate_unique(self):
        pass  # the group is attached on save


class MeetingTimeForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    class Meta:
        model = MeetingTime
        fields = ["frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time", "end_time"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }


MeetingTimeFormSet = inlineformset_factory(
    Group, MeetingTime, form=MeetingTimeForm, extra=2, max_num=8, can_delete=True
)


class ReasonForm(forms.Form):
    label_suffix = ""
    reason = forms.CharField(
        label=_("Reason (the coordinator will see this)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class InvitationForm(forms.Form):
    label_suffix = ""
    email = forms.EmailField(label=_("Email address of the person to invite"))


def listing_content(form, place_form, meetings):
    """The cleaned data of valid listing forms, as the services take it (groups.coordination.listing)."""
    kept = [
        meeting for meeting in meetings.forms
        if meeting not in meetings.deleted_forms and (meeting.instance.pk or meeting.has_changed())
    ]
    return ListingContent(
        fields={name: form.cleaned_data[name] for name in CONTENT_FIELDS + list(M2M_FIELDS)},
        place={name: place_form.cleaned_data[name] for name in PLACE_FIELDS} if place_form.has_place() else None,
        meetings=[
            {name: meeting.cleaned_data[name] for name in MEETING_FIELDS}
            | {"id": getattr(meeting.cleaned_data.get("id"), "pk", None)}
            for meeting in kept
        ],
    )


def without_foreign_meetings(data, group):
    """Posted data whose meetings, if they name rows that are not `group`'s, are taken as new meetings.

    A form opened on a public listing names the listing's meeting rows; its first save goes to the proposed
    change (and a form opened on a proposed change decided on since goes to a new one).
    """
    own = {str(pk) for pk in group.meeting_times.values_list("pk", flat=True)} if group and group.pk else set()
    ids = [key for key in data if re.fullmatch(r"meetings-\d+-id", key)]
    if all(data[key] in own for key in ids if data[key]):
        return data
    data = data.copy()
    data["meetings-INITIAL_FORMS"] = "0"
    for key in ids:
        data[key] = ""
        data[key[: -len("id")] + "group"] = ""
    return data
