"""The coordinator's group form, in sections: about, who it is for, format and place, meetings, joining."""

import zoneinfo

from django import forms
from django.db import models
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from groups.core.models import Group, MeetingTime, Place


def https_by_default(field, **kwargs):
    """Form fields for model fields, with web addresses typed without a scheme read as https://."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class GroupForm(forms.ModelForm):
    """The listing itself. A draft may be saved with only a name; everything else is checked on submit."""

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
            "contact_email", "contact_phone", "contact_url", "join_link",
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
        }

    SECTIONS = [
        (_("About the group"), ["name", "summary", "description", "host_name", "host_website"]),
        (_("Who it is for"), ["types", "trauma_types", "populations", "age_min", "age_max"]),
        (_("Format"), ["formats", "languages", "access_features", "time_zone"]),
        (_("How to join"), ["facilitation", "attendance", "registration_details", "capacity", "cost", "cost_details",
                            "contact_email", "contact_phone", "contact_url", "join_link"]),
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["cost"].empty_label = None
        self.fields["time_zone"].widget.choices = TIME_ZONE_CHOICES
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class PlaceForm(forms.ModelForm):
    """Where the group meets in person. Leave the town empty for a group that meets only online or by phone."""

    class Meta:
        model = Place
        fields = ["address_visibility", "address_line1", "address_line2", "city", "region", "postcode", "country",
                  "latitude", "longitude"]
        widgets = {"address_visibility": forms.RadioSelect}
        help_texts = {
            "address_visibility": _(
                "Public: anyone can see the full address. Area only: people see the town and region; you give the "
                "street after they contact you. On request: nobody sees the address, town or region, and no "
                "distance is shown; a search near a place does not list the group (people find it by its other "
                "details, or as an online or phone group if it also meets that way), and you give the address after "
                "contact. "
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
