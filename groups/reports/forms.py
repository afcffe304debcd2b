"""The public report form (with its honeypot and signed start time) and the staff decision form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groups.core import abuse
from groups.reports.models import NOTE_MAX_LENGTH, ListingReport

STARTED_SALT = "groups.reports.form-started"
# The honeypot's name: one a form-filling program expects to fill; people never see the field.
HONEYPOT = "website"


class ReportForm(forms.Form):
    """What is wrong, a short note, and a reply address only if the person wants an answer."""

    reason = forms.ChoiceField(
        label=_("What is wrong with this listing?"), choices=ListingReport.Reason.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-blocks"}),
        error_messages={"required": _("Please choose what is wrong with the listing.")},
    )
    note = forms.CharField(
        label=_("Tell us more (optional)"), required=False, max_length=NOTE_MAX_LENGTH,
        help_text=_("Up to %(max)s characters. Please do not include your name or anything about you.")
        % {"max": NOTE_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": NOTE_MAX_LENGTH}),
    )
    reply_email = forms.EmailField(
        label=_("Email address for a reply (optional)"), required=False,
        help_text=_("Only if you want an answer, and only an address that is safe for you. Only SupportFinder "
                    "staff see it; the group never does."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A field for programs, not people (groups.core.abuse); the template hides it and names it "leave empty".
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # A fresh start time each time the form is shown, also when it is shown again with errors (the words stay).
        self.fields["started"].initial = abuse.form_started_token(STARTED_SALT)
        if self.is_bound:
            self.data = self.data.copy()
            self.data["started"] = self.fields["started"].initial
            self.data[HONEYPOT] = ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ListingReport.Reason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Please tell us what is wrong, so that we can act on it."))
        return cleaned


def looks_automated(data):
    """Why a sent form looks like a program's, or "" (the honeypot was filled, or it came back too fast).

    Read from the raw data, before the form replaces the start time and empties the honeypot.
    """
    if data.get(HONEYPOT, "").strip():
        return "honeypot"
    elapsed = abuse.seconds_since_started(data.get("started"), STARTED_SALT)
    if elapsed is None or elapsed < settings.REPORT_MIN_FILL_SECONDS:
        return "too-fast"
    return ""


class ResolveForm(forms.Form):
    """Staff: what to do about a report, and why (kept with the decision)."""

    resolution = forms.ChoiceField(
        label=_("What will you do?"), choices=ListingReport.Resolution.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-blocks"}),
        error_messages={"required": _("Choose what to do about this report.")},
    )
    note = forms.CharField(
        label=_("Why (kept with the decision; the coordinators see it if you ask them, pause or take down the "
                "listing)"),
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        error_messages={"required": _("Please say why: it is kept with the decision.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
