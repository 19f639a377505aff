from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import EMPTY_LABEL, AreaModelForm, DateInput
from yhdyspinta.bodies.models import Body, MembershipRole
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.consultations.forms import EntryForm
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person

from . import services
from .models import NominationAnswer, NominationRound, Nominee
from .services import NomineeRow


class RoundForm(AreaModelForm):
    bodies = forms.ModelMultipleChoiceField(
        label=_("Bodies"), queryset=Body.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=_("Ask organisations of these kinds"),
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[OrganisationKind.MUNICIPALITY],
    )
    sub_regions = forms.MultipleChoiceField(
        label=_("Only in these sub-regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to ask in the whole area."),
    )

    class Meta:
        model = NominationRound
        fields = [
            "title",
            "bodies",
            "kinds",
            "sub_regions",
            "min_nominees",
            "max_nominees",
            "deputy_rule",
            "deputy_threshold",
            "deadline",
            "term_starts_on",
            "cover_letter",
            "reply_address",
        ]
        widgets = {"deadline": DateInput(), "term_starts_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = Body.objects.filter(area=self.area, ended_on__isnull=True)
        self.fields["sub_regions"].choices = [
            (str(s.pk), s.name) for s in self.area.sub_regions.all()
        ]

    def clean(self):
        cleaned = super().clean()
        deadline, start = cleaned.get("deadline"), cleaned.get("term_starts_on")
        if deadline and start and start < deadline:
            self.add_error("term_starts_on", _("The term cannot start before the deadline."))
        bodies = cleaned.get("bodies") or []
        if duplicate := services.bodies_sharing_a_request(bodies):
            self.add_error("bodies", duplicate)
        return cleaned

    def organisations(self) -> list[Organisation]:
        qs = Organisation.objects.filter(
            area=self.area, kind__in=self.cleaned_data["kinds"], ended_on__isnull=True
        )
        if self.cleaned_data.get("sub_regions"):
            qs = qs.filter(sub_region_id__in=self.cleaned_data["sub_regions"])
        return list(qs.order_by("name"))


class NomineeForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), required=False
    )
    first_name = forms.CharField(label=_("First name (new person)"), required=False)
    last_name = forms.CharField(label=_("Last name (new person)"), required=False)
    title = forms.CharField(label=_("Job title"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Nominee.Role.choices)
    deputy_for_position = forms.IntegerField(
        label=_("Deputy for row"),
        required=False,
        min_value=1,
        help_text=_("For a deputy: the row number of the full member."),
    )


class BaseNomineeFormSet(forms.BaseFormSet):
    def __init__(self, *args, organisation: Organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.fields["person"].queryset = Person.objects.filter(organisation=self.organisation)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["person"].queryset = Person.objects.filter(organisation=self.organisation)
        return form

    def rows(self) -> list[NomineeRow]:
        """The filled rows, numbered 1, 2, ... as the person sees them."""
        rows = []
        for position, form in enumerate(self.forms, start=1):
            data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
            if not data or not (
                data.get("person") or data.get("first_name") or data.get("last_name")
            ):
                continue
            rows.append(
                NomineeRow(
                    position=position,
                    role=data["role"],
                    person=data.get("person"),
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    title=data.get("title", ""),
                    email=data.get("email", ""),
                    deputy_for_position=data.get("deputy_for_position"),
                )
            )
        return rows


NomineeFormSet = forms.formset_factory(NomineeForm, formset=BaseNomineeFormSet, extra=0, max_num=12)


def initial_rows(answer: NominationAnswer | None, minimum: int = 6) -> list[dict]:
    nominees = answer.nominees.all() if answer is not None else []
    rows: list[dict] = [
        {
            "person": nominee.person_id,
            "first_name": nominee.first_name,
            "last_name": nominee.last_name,
            "title": nominee.title,
            "email": nominee.email,
            "role": nominee.role,
            "deputy_for_position": nominee.deputy_for_position,
        }
        for nominee in nominees
    ]
    while len(rows) < minimum:
        rows.append({"role": Nominee.Role.MEMBER})
    return rows


class AdminEntryForm(EntryForm):
    """How an answer that came outside the app reached the convener, and a note."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ElectionForm(forms.Form):
    chair = forms.ModelChoiceField(
        label=_("Chair"), queryset=None, required=False, empty_label=EMPTY_LABEL
    )
    vice_chair = forms.ModelChoiceField(
        label=_("Vice-chair"), queryset=None, required=False, empty_label=EMPTY_LABEL
    )

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)

        full = (
            active_memberships()
            .filter(body=body)
            .exclude(role__in=[MembershipRole.DEPUTY, MembershipRole.SECRETARY])
            .select_related("person", "organisation")
        )
        for name in ("chair", "vice_chair"):
            self.fields[name].queryset = full
            self.fields[name].label_from_instance = lambda m: f"{m.person} ({m.organisation})"
        self.initial.setdefault(
            "chair", next((m.pk for m in full if m.role == MembershipRole.CHAIR), None)
        )
        self.initial.setdefault(
            "vice_chair", next((m.pk for m in full if m.role == MembershipRole.VICE_CHAIR), None)
        )
