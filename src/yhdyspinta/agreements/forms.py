from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import AreaModelForm, DateInput
from yhdyspinta.bodies.forms import party_kinds_field
from yhdyspinta.bodies.models import Body
from yhdyspinta.core.markup import editor_attrs
from yhdyspinta.parties.models import NamedRoleKind, Organisation

from .models import (
    Agreement,
    AgreementParty,
    AgreementVersion,
    Annex,
    ApprovalStep,
    CommentRequest,
    CommentRound,
    Response,
    Section,
    SpecRhythm,
    StructureSpec,
)


class _PartiesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _parties_field(area, initial=None):
    return _PartiesField(
        queryset=Organisation.objects.filter(area=area, ended_on__isnull=True).order_by(
            "kind", "name"
        ),
        label=_("Parties"),
        initial=initial,
    )


class AgreementForm(AreaModelForm):
    valid_from = forms.DateField(label=_("valid from"), required=False)
    valid_until = forms.DateField(
        label=_("valid until"), required=False, help_text=_("Empty: until further notice.")
    )

    class Meta:
        model = Agreement
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"] = _parties_field(
            self.area,
            initial=Organisation.objects.filter(area=self.area, is_agreement_party=True),
        )
        self.fields["valid_from"].widget = DateInput()
        self.fields["valid_until"].widget = DateInput()

    def clean(self):
        data = super().clean()
        version = AgreementVersion(
            valid_from=data.get("valid_from"), valid_until=data.get("valid_until")
        )
        try:
            version.clean()  # the version's own rule, checked before anything is saved
        except ValidationError as error:
            self.add_error(None, error)
        return data


class VersionForm(AreaModelForm):
    area_field = None

    class Meta:
        model = AgreementVersion
        fields = ["label", "valid_from", "valid_until", "change_note"]

    def __init__(self, *args, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if editable:
            self.fields["parties"] = _parties_field(
                self.area, initial=[p.organisation_id for p in self.instance.parties.all()]
            )


class SectionForm(AreaModelForm):
    area_field = None
    named_role_kinds = forms.MultipleChoiceField(
        label=_("named roles it requires"),
        choices=NamedRoleKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Section
        fields = ["number", "title", "text", "named_role_kinds", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A toolbar and a live preview (static/yhdyspinta/markdown-editor.js): officials
        # format with buttons, the text is stored as clean Markdown.
        self.fields["text"].help_text = _(
            "Format with the buttons above the text; the preview below shows how it reads."
        )
        self.fields["text"].widget.attrs.update(
            editor_attrs(reverse("agreements:markdown_preview", kwargs={"area": self.area.slug}))
        )


class PartyForm(AreaModelForm):
    area_field = None

    class Meta:
        model = AgreementParty
        fields = [
            "signatory_name",
            "signatory_title",
            "approved_on",
            "approval_reference",
            "signed_on",
            "signed_copy",
            "e_signature_reference",
        ]


class ApprovalStepForm(AreaModelForm):
    area_field = None

    class Meta:
        model = ApprovalStep
        fields = [
            "position",
            "title",
            "body",
            "organisation",
            "planned_on",
            "decided_on",
            "outcome",
            "decision_reference",
        ]


class StructureSpecForm(AreaModelForm):
    area_field = None
    required_party_kinds = party_kinds_field()

    class Meta:
        model = StructureSpec
        fields = [
            "name",
            "level",
            "convener",
            "convener_role",
            "sub_region",
            "legal_basis",
            "required_party_kinds",
            "nominees_min",
            "nominees_max",
            "body",
            "section",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, version: AgreementVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.version = version
        self.fields["section"].queryset = version.sections.all()
        self.fields["body"].queryset = Body.objects.filter(area=self.area)


class SpecRhythmForm(forms.ModelForm):
    class Meta:
        model = SpecRhythm
        fields = ["meeting_kind", "period", "min_count", "max_count", "month"]


SpecRhythmFormSet = forms.inlineformset_factory(
    StructureSpec, SpecRhythm, form=SpecRhythmForm, extra=2, can_delete=True
)


class AnnexForm(AreaModelForm):
    area_field = None

    class Meta:
        model = Annex
        fields = ["title", "file"]


class CommentRoundForm(AreaModelForm):
    area_field = None

    class Meta:
        model = CommentRound
        fields = ["kind", "title", "deadline", "cover_letter", "reply_address"]
        widgets = {"cover_letter": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, version: AgreementVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.version = version
        # Of the kinds of round, those that ask for comments on an agreement.
        self.fields["kind"].choices = CommentRound.Kind.choices
        self.fields["kind"].initial = self.instance.kind or CommentRound.Kind.COMMENTS
        self.fields["organisations"] = forms.ModelMultipleChoiceField(
            queryset=Organisation.objects.filter(area=self.area, ended_on__isnull=True).order_by(
                "kind", "name"
            ),
            initial=[p.organisation_id for p in version.parties.all()],
            widget=forms.CheckboxSelectMultiple,
            label=_("Asked for comments"),
        )


class CommentsForm(forms.Form):
    """A text box per section of the version, plus general comments."""

    def __init__(self, *args, request: CommentRequest, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {c.section_id: c.text for c in request.comments.all()}
        self.fields["general"] = forms.CharField(
            label=_("General comments"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            initial=existing.get(None, ""),
        )
        self.sections = list(request.round.version.sections.all())
        for section in self.sections:
            self.fields[f"section_{section.pk}"] = forms.CharField(
                label=f"{section.number} {section.title}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=existing.get(section.pk, ""),
            )

    def texts(self) -> dict:
        texts = {None: self.cleaned_data["general"]}
        for section in self.sections:
            texts[section.pk] = self.cleaned_data[f"section_{section.pk}"]
        return texts

    def section_fields(self):
        return [(s, self[f"section_{s.pk}"]) for s in self.sections]


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("handling"),
        choices=Response.choices,
        required=False,
    )
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def posted_marks(post, tasks, parties) -> dict:
    """The grid's cells as posted; `responsibility_save` checks them."""
    return {
        (task.pk, party.organisation_id): post.get(f"m-{task.pk}-{party.organisation_id}", "")
        for task in tasks
        for party in parties
    }
