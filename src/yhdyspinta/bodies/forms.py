from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import AreaModelForm, DateInput, validate_unique_in_area
from yhdyspinta.parties.models import OrganisationKind

from .models import Body, Level, Membership, MembershipRole, RhythmRule


def party_kinds_field() -> forms.MultipleChoiceField:
    """The composition's party kinds as checkboxes (a body's form, and a structure's)."""
    return forms.MultipleChoiceField(
        label=_("Party kinds that must be represented"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BodyForm(AreaModelForm):
    required_party_kinds = party_kinds_field()

    class Meta:
        model = Body
        fields = [
            "name",
            "level",
            "description",
            "convener",
            "convener_role",
            "sub_region",
            "parent",
            "legal_basis",
            "themes",
            "required_party_kinds",
            "nominees_min",
            "nominees_max",
            "ended_on",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple, "ended_on": DateInput()}
        # The two ends are counted differently (bodies.selectors.working and held).
        help_texts = {
            "ended_on": _("From this day on the body no longer works. Empty while it works.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean(self):
        cleaned = super().clean()
        validate_unique_in_area(self, Body, "name")
        return cleaned


RhythmRuleFormSet = forms.inlineformset_factory(
    Body,
    RhythmRule,
    fields=["meeting_kind", "period", "min_count", "max_count", "month"],
    extra=1,
    can_delete=True,
)


CONTACT_ROLES = (MembershipRole.MEMBER, MembershipRole.DEPUTY)


class MembershipForm(AreaModelForm):
    area_field = None

    class Meta:
        model = Membership
        fields = ["person", "organisation", "role", "deputy_for", "starts_on", "ends_on", "source"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {"ends_on": _("The seat's last day. Empty while it is held.")}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        self.fields["person"].queryset = self.fields["person"].queryset.select_related(
            "organisation"
        )
        self.fields["person"].label_from_instance = lambda p: (
            f"{p} ({p.organisation})" if p.organisation_id else str(p)
        )
        deputies_for = (
            body.memberships.exclude(role=MembershipRole.DEPUTY)
            .filter(ends_on__isnull=True)
            .select_related("person", "organisation")
        )
        if self.instance.pk:
            deputies_for = deputies_for.exclude(pk=self.instance.pk)
        self.fields["deputy_for"].queryset = deputies_for
        self.fields["deputy_for"].label_from_instance = lambda m: f"{m.person} ({m.organisation})"
        # An organisation contact seats only their own organisation's people, as members
        # or deputies (Access.can_seat; the service checks it again).
        if self.access is not None and not self.access.can_edit_body(body):
            own = self.access.contact_organisations(self.area)
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(
                pk__in=own
            )
            self.fields["person"].queryset = self.fields["person"].queryset.filter(
                organisation__in=own
            )
            self.fields["role"].choices = [
                c for c in MembershipRole.choices if c[0] in CONTACT_ROLES
            ]
        if self.instance.pk:
            # Who and for whom never change: end the seat and start a new one instead.
            for name in ("person", "organisation", "body"):
                if name in self.fields:
                    self.fields[name].disabled = True


class MembershipEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < self.membership.starts_on:
            raise forms.ValidationError(_("The end date is before the start date."))
        return ends_on


class BodyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("current", _("Working")), ("ended", _("Ended"))],
    )
