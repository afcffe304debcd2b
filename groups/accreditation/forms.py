"""Forms for accreditation: a coordinator's claim (with private evidence files) and staff's verify or reject."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.accreditation.evidence import EVIDENCE_MAX_FILES, evidence_content_type
from groups.accreditation.models import AccreditationClaim, AccreditingBody
from groups.core.forms import https_by_default

EVIDENCE_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; each must really be a PDF, PNG or JPEG of at most 5 MB (checked by content)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        # Empty files get our own message (groups.accreditation.evidence.evidence_content_type) rather than Django's.
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", EVIDENCE_ACCEPT)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(EvidenceField, self).clean(item, initial) for item in files if item]
        if len(files) > EVIDENCE_MAX_FILES:
            raise ValidationError(_("Please choose at most %(count)s files."), params={"count": EVIDENCE_MAX_FILES})
        errors = []
        for item in files:
            try:
                evidence_content_type(item)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return files


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.is_other else f"{obj.name} — {obj.scheme}"


class ClaimForm(forms.ModelForm):
    """What a coordinator says about an accreditation. Validated by the model's clean() too, field by field."""

    body = BodyChoiceField(
        queryset=AccreditingBody.objects.all(), label=_("Accrediting body and scheme"), empty_label=_("Choose one"),
    )
    evidence = EvidenceField(
        label=_("Evidence (optional)"),
        help_text=_("A certificate or letter from the body, for example: PDF, PNG or JPEG, at most 5 MB each, "
                    "up to 5 files. Only our staff and this group's coordinators can open them."),
    )

    class Meta:
        model = AccreditationClaim
        formfield_callback = https_by_default
        fields = [
            "body", "other_body_name", "other_body_url", "scope", "facilitator_name", "reference",
            "register_entry_url",
        ]
        widgets = {"scope": forms.RadioSelect}
        help_texts = {
            "other_body_name": _("Only if you chose “Another body”: for example “Example Association — Quality Mark”."),
            "other_body_url": _("Only if you chose “Another body”: its website, so we can check with it."),
            "facilitator_name": _("Only for a facilitator's own credential: their name as the body records it. "
                                  "It appears on the public listing."),
            "reference": _("As the body gives it, so we can find you in its records."),
            "register_entry_url": _("If the body publishes a register, a link to your entry speeds up our check."),
        }

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["scope"].choices = AccreditationClaim.Scope.choices
        if self.instance.pk:
            self.fields["evidence"].label = _("Add evidence (optional)")
            self.fields["remove_evidence"] = forms.ModelMultipleChoiceField(
                queryset=self.instance.evidence.all(), required=False, widget=forms.CheckboxSelectMultiple,
                label=_("Remove these files"),
            )
            self.fields["remove_evidence"].label_from_instance = lambda evidence: evidence.original_name
            self.fields["evidence"] = self.fields.pop("evidence")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            kept = self.instance.evidence.count() - len(cleaned.get("remove_evidence") or [])
            if kept + len(cleaned.get("evidence") or []) > EVIDENCE_MAX_FILES:
                self.add_error("evidence", _("A claim can have at most %(count)s files.") % {
                    "count": EVIDENCE_MAX_FILES})
        return cleaned

    def service_fields(self):
        """The claim's own fields, as the services take them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VerifyForm(forms.Form):
    checked_how = forms.ChoiceField(
        label=_("How did you check it?"), choices=AccreditationClaim.CheckedHow.choices, widget=forms.RadioSelect,
    )
    confirmed_reference = forms.CharField(
        label=_("Reference confirmed"), max_length=100, required=False,
        help_text=_("The reference or membership number as the body records it."),
    )
    valid_until = forms.DateField(
        label=_("Valid until (last valid day)"), widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note for staff (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown to the coordinator or the public."),
    )

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].help_text = valid_until_hint(body)

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise ValidationError(_("The last valid day cannot be in the past."))
        return value


def valid_until_hint(body):
    """What the last-valid-day field says about its value: proposed from the body's renewal period only when the
    body has one (groups.accreditation.services.proposed_valid_until); otherwise the field starts empty."""
    badge = _("The badge goes at the end of this day, in the site's time zone.")
    if body.renewal_months:
        proposed = _("Proposed from the body's renewal period (%(period)s), counted from today. Use the date on the "
                     "register or certificate when there is one.") % {"period": body.renewal_label}
    else:
        proposed = _("No renewal period is on record for this body, so no date is proposed: use the date on the "
                     "register or certificate, or ask the body.")
    return f"{proposed} {badge}"


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The group's coordinators will see this. Say what would let us verify it."),
    )
    note = forms.CharField(
        label=_("Note for staff (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown to the coordinator or the public."),
    )

