from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        help_texts = {
            "display_name": _("Other coordinators of your groups see it. Leave it empty to show your email address."),
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
