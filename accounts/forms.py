from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class DisplayNameForm(forms.ModelForm):
    """What the other coordinators of your groups see: a name, and the email address only if you say so."""

    class Meta:
        model = User
        fields = ["display_name", "share_email_with_coordinators"]
        help_texts = {
            # Exactly what is shown (groups.coordination.presenters.coordinator_label); the public sees neither.
            "display_name": _(
                "The other coordinators of your groups see this name; the public never does. If you leave it "
                "empty, they see “Coordinator without a name”."
            ),
        }


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for its password, so an unattended signed-in browser is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."), code="password_incorrect")
        return password
