from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import EMPTY_LABEL
from yhdyspinta.bodies.models import Body
from yhdyspinta.bodies.selectors import working
from yhdyspinta.parties.models import Organisation

from .models import AreaRole
from .services import password_reset_send


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=AreaRole.Role.choices, initial=AreaRole.Role.MEMBER
    )
    body = forms.ModelChoiceField(
        label=_("Body (for a secretary)"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=EMPTY_LABEL,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (for an organisation contact)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=EMPTY_LABEL,
    )

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(working(), area=area)
        self.fields["organisation"].queryset = Organisation.objects.filter(area=area).order_by(
            "name"
        )


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The passwords are not the same."))
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=200,
        help_text=_("E.g. the municipality's case-management system."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=365)


class OutboxPasswordResetForm(PasswordResetForm):
    """The same answer, at the same pace, for a known and an unknown address: the page
    only queues a task after its answer; the worker finds the accounts and queues their
    messages in the outbox (accounts.services.password_reset_queue)."""

    def save(self, *args, **kwargs) -> None:
        email = self.cleaned_data["email"]
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: password_reset_send.enqueue(email, language))
