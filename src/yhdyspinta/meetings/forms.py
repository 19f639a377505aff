from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import EMPTY_LABEL, AreaModelForm, DateInput
from yhdyspinta.core import widgets
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person

from .models import (
    AgendaItem,
    Capacity,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesItem,
    ThemeWorkGroup,
    ThemeWorkIdea,
)
from .selectors import chair_on_the_day, meeting_members
from .services import MEETING_FIELDS, AgendaItemValues, Approval, MeetingValues


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(AreaModelForm):
    area_field = None

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "convener",
            "municipalities",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "municipalities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        organisations = Organisation.objects.filter(area=body.area)
        self.fields["convener"].queryset = organisations
        self.fields["municipalities"].queryset = organisations.filter(
            kind=OrganisationKind.MUNICIPALITY
        )
        self.fields["municipalities"].required = False
        if self.instance.pk and self.instance.status == "invited":
            # The secretary decides, before saving, whether a change is worth an e-mail
            # to every member, and sees who they are.
            reached = [m for m in meeting_members(self.instance) if m.person.email]
            self.fields["notify"] = forms.BooleanField(
                label=_("Send an updated invitation to the %(count)s members with an address")
                % {"count": len(reached)},
                required=False,
                initial=True,
                help_text=_(
                    "To: %(names)s. Leave unticked for a correction that does not concern "
                    "them (a typo): nothing is sent."
                )
                % {"names": ", ".join(str(m.person) for m in reached) or "–"},
            )
        self.fields["municipalities"].help_text = _(
            "Only for a negotiation between the county and some municipalities."
        )
        if not self.instance.pk:
            self.initial.setdefault("convener", body.convener_id)

    def values(self) -> MeetingValues:
        """What the secretary set, for the service (which also judges the move into the
        past: a rule of the meeting, not of the page)."""
        data = self.cleaned_data
        return MeetingValues(
            **{name: data[name] for name in MEETING_FIELDS},
            convener=data["convener"],
            municipalities=tuple(data["municipalities"]),
        )


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "presenter", "theme", "proposal", "attachment"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = area.themes.all()

    def values(self) -> AgendaItemValues:
        data = self.cleaned_data
        return AgendaItemValues(
            title=data["title"],
            order=data["order"],
            presenter=data["presenter"],
            proposal=data["proposal"],
            theme=data["theme"],
            attachment=data["attachment"] or None,
        )


class AttendanceRowForm(forms.Form):
    """One member on the attendance sheet."""

    present = forms.BooleanField(label=_("Present"), required=False)
    capacity = forms.ChoiceField(label=_("Capacity"), choices=Capacity.choices)


class GuestForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), empty_label=EMPTY_LABEL
    )
    organisation = forms.ModelChoiceField(
        label=_("Represents"), queryset=Organisation.objects.none(), empty_label=EMPTY_LABEL
    )
    capacity = forms.ChoiceField(label=_("Capacity"), choices=Capacity.choices)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(area=area).select_related(
            "organisation"
        )
        self.fields["person"].label_from_instance = lambda p: (
            f"{p} ({p.organisation})" if p.organisation_id else str(p)
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(area=area)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["summary", "correction_note"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.version == 1:
            del self.fields["correction_note"]


MinutesItemFormSet = inlineformset_factory(
    Minutes,
    MinutesItem,
    fields=["discussion", "decision"],
    extra=0,
    can_delete=False,
    widgets={
        "discussion": forms.Textarea(attrs={"rows": 3}),
        "decision": forms.Textarea(attrs={"rows": 2}),
    },
)


class ThemeGroupForm(forms.ModelForm):
    class Meta:
        model = ThemeWorkGroup
        fields = ["name", "topic", "scribes"]


IdeaFormSet = inlineformset_factory(
    ThemeWorkGroup,
    ThemeWorkIdea,
    fields=["text", "proposed_by", "actors", "mode", "taken_forward"],
    extra=3,
    max_num=3,
    validate_max=True,
    min_num=1,
    validate_min=True,
    can_delete=True,
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
)


class ApprovalForm(forms.Form):
    """Who approved the minutes and when: nothing is preselected, so that an approval is
    a statement, not a click."""

    method = forms.ChoiceField(
        label=_("How were the minutes approved?"),
        choices=Minutes.Approval.choices,
        widget=forms.RadioSelect,
    )
    approved_in = forms.ModelChoiceField(
        label=_("Approved in meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=EMPTY_LABEL,
    )
    approved_on = forms.DateField(label=_("Approved on"), widget=DateInput)

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = minutes.meeting
        self.meeting = meeting
        self.fields["approved_in"].queryset = Meeting.objects.filter(
            body_id=meeting.body_id, starts_at__gt=meeting.starts_at
        ).order_by("starts_at")
        self.fields["approved_on"].initial = timezone.localdate()
        chair = chair_on_the_day(meeting)
        if chair:
            self.fields["method"].choices = [
                (
                    Minutes.Approval.CHAIR,
                    _("By the chair, %(name)s") % {"name": chair},
                ),
                (Minutes.Approval.NEXT_MEETING, Minutes.Approval.NEXT_MEETING.label),
            ]

    def clean_approved_on(self):
        day = self.cleaned_data["approved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day of approval cannot be in the future."))
        if day < timezone.localtime(self.meeting.starts_at).date():
            raise forms.ValidationError(_("The minutes cannot be approved before the meeting."))
        return day

    def approval(self) -> Approval:
        return Approval(
            method=self.cleaned_data["method"],
            approved_on=self.cleaned_data["approved_on"],
            approved_in=self.cleaned_data["approved_in"],
        )


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("What needs correcting and why"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingFilterForm(forms.Form):
    """The meeting list's filters: every one is applied in the database."""

    body = forms.ChoiceField(label=_("Body"), required=False, widget=widgets.Select)
    q = forms.CharField(label=_("Search"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    published = forms.BooleanField(label=_("Only with public minutes"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *MeetingStatus.choices],
        widget=widgets.Select,
    )

    def __init__(self, *args, bodies, **kwargs):
        """`bodies`: (id, name) of the bodies to choose from."""
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("All bodies"))] + [
            (str(pk), name) for pk, name in bodies
        ]
