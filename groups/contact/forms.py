"""The public "Contact this group" form: only what the group needs to reply safely."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from groups.contact.models import BODY_MAX, NAME_MAX, REPLY_TO_MAX, SAFE_TIMES_MAX, ContactMessage

PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().-]+$")
PHONE_DIGITS = (6, 15)  # ITU E.164 allows at most 15 digits; fewer than 6 is no phone number anywhere


def reply_route(value):
    """(ContactMessage.ReplyBy, cleaned value) for an email address or a phone number; ValidationError otherwise."""
    value = " ".join(value.split())
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter an email address like name@example.org, or a phone number.")) from None
        return ContactMessage.ReplyBy.EMAIL, value
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.match(value) or not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a phone number with its area code (digits, spaces and + only), or an email address.")
        )
    return ContactMessage.ReplyBy.PHONE, value


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Your name, or a name to call you"), max_length=NAME_MAX,
        help_text=_("It does not have to be your real name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reply_to = forms.CharField(
        label=_("One safe way to reply: an email address or a phone number"), max_length=REPLY_TO_MAX,
        help_text=_("Only give one that nobody who could harm you reads or answers."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    safe_times = forms.CharField(
        label=_("When is it safe to reply?"), max_length=SAFE_TIMES_MAX,
        help_text=_("For example: weekdays between 10am and 2pm, never at weekends."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    may_identify = forms.TypedChoiceField(
        label=_("May the group leave a voicemail, or send a message that says who it is from?"),
        choices=[("no", _("No: reply without saying who it is from")),
                 ("yes", _("Yes, that is all right"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect(attrs={"class": "choice-blocks"}),
        error_messages={"required": _("Choose whether a voicemail or a named message is all right.")},
    )
    message = forms.CharField(
        label=_("Anything you would like the group to know (optional)"), required=False, max_length=BODY_MAX,
        help_text=_("Up to %(max)s characters. You do not need to explain what happened.") % {"max": BODY_MAX},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX,
                                     # static/js/enhance.js counts down as the person types
                                     "data-characters-left": _("%(count)s characters left")}),
    )
    # Abuse resistance (groups.contact.guard): a field people never see, and when the form was shown, signed.
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    shown_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_reply_to(self):
        reply_by, value = reply_route(self.cleaned_data["reply_to"])
        self.cleaned_data["reply_by"] = reply_by
        return value

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "website"]

    def message_fields(self):
        """What the service stores (groups.contact.services.message_send)."""
        data = self.cleaned_data
        return {"name": data["name"].strip(), "reply_by": data["reply_by"], "reply_to": data["reply_to"],
                "safe_times": data["safe_times"].strip(), "may_identify": data["may_identify"],
                "body": data["message"].strip()}


class ReportForm(forms.Form):
    note = forms.CharField(
        label=_("What is wrong with this message? (optional, staff will read it)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
