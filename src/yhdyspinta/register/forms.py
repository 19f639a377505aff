from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas import national


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class NationalAreaChoice(forms.Form):
    """The wellbeing services county a new area is, chosen first (a GET): its municipalities
    are then offered, all ticked."""

    alue = forms.ChoiceField(label=_("Wellbeing services county"), required=False)

    def __init__(self, *args, taken: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # A county that has its area already is not offered again.
        cast(forms.ChoiceField, self.fields["alue"]).choices = [("", _("None of these"))] + [
            (a.code, a.name) for a in national.areas() if a.code not in taken
        ]


class NewAreaForm(forms.Form):
    national_code = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("E.g. Pohjois-Karjala."))
    slug = forms.SlugField(
        label=_("Short address"),
        max_length=60,
        required=False,
        help_text=_("Part of the area's web addresses; made from the name when left empty."),
    )
    sub_regions = forms.CharField(
        label=_("Sub-regions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line; they can be added later too."),
    )
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Statistics Finland's list with the municipality numbers; each becomes an "
            "organisation of the area. A register workbook imported later finds them by "
            "their numbers."
        ),
    )
    admin_email = forms.EmailField(
        label=_("The first administrator's e-mail"),
        help_text=_("They get an invitation to create their account as the area administrator."),
    )

    def __init__(self, *args, national_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        chosen = national.area(national_code) if national_code else None
        field = cast(forms.MultipleChoiceField, self.fields["municipalities"])
        if chosen is not None:
            self.fields["national_code"].initial = chosen.code
            self.fields["name"].initial = chosen.name
            field.choices = [(m.number, f"{m.name} ({m.number})") for m in chosen.municipalities()]
            field.initial = [m.number for m in chosen.municipalities()]
        else:
            field.choices = [
                (a.name, [(m.number, f"{m.name} ({m.number})") for m in a.municipalities()])
                for a in national.areas()
            ]

    def clean_national_code(self) -> str:
        code = self.cleaned_data["national_code"]
        if code and national.area(code) is None:
            raise forms.ValidationError(_("Choose the wellbeing services county again."))
        return code
