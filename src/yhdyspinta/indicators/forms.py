from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import EMPTY_LABEL, AreaModelForm
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.programme.models import Priority, SotkanetGender

from .models import (
    DataSource,
    FollowedIndicator,
    KerroinParameters,
    OwnSet,
    SotkanetIndicator,
    SotkanetRegion,
)


def _sotkanet_field(**kwargs) -> forms.ModelChoiceField:
    # Sotkanet has thousands of indicators: the number is typed, and checked.
    return forms.ModelChoiceField(
        queryset=SotkanetIndicator.objects.all(),
        widget=forms.NumberInput,
        label=_("Sotkanet indicator number"),
        help_text=_("Import the indicator metadata first."),
        error_messages={"invalid_choice": _("No such Sotkanet indicator has been imported.")},
        **kwargs,
    )


class DataSourceForm(AreaModelForm):
    class Meta:
        model = DataSource
        fields = ["name", "description", "url", "decided_by", "decided_on", "decided_in"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_in"].queryset = Meeting.objects.filter(body__area=self.area).order_by(
            "-starts_at"
        )


class FollowedIndicatorForm(AreaModelForm):
    sotkanet = _sotkanet_field(required=False)

    class Meta:
        model = FollowedIndicator
        fields = ["source", "sotkanet", "name", "theme", "priority"]
        labels = {"source": _("Data source"), "theme": _("Theme"), "priority": _("Priority")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(programme__area=self.area)

    def clean(self):
        data = super().clean()
        if not data.get("sotkanet") and not data.get("name"):
            self.add_error("name", _("Give a Sotkanet indicator or the indicator's name."))
        return data


class KerroinParametersForm(AreaModelForm):
    class Meta:
        model = KerroinParameters
        fields = [
            "year",
            "process_weight",
            "outcome_weight",
            "hyte_share_percent",
            "funding_eur",
            "population",
            "national_population",
            "source",
        ]
        widgets = {"source": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        if (data.get("process_weight") or 0) + (data.get("outcome_weight") or 0) <= 0:
            self.add_error("outcome_weight", _("The weights cannot both be zero."))
        return data


class BindForm(forms.Form):
    sotkanet = _sotkanet_field()
    gender = forms.ChoiceField(label=_("Gender"), choices=SotkanetGender.choices)


class AreaRegionForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=SotkanetRegion.objects.filter(category=SotkanetRegion.COUNTY).order_by("title"),
        label=_("The area's Sotkanet region"),
        empty_label=EMPTY_LABEL,
    )


# --- the area's own indicator set from a file -------------------------------------------
NO_COLUMN = ""
# What a column's header says of what it holds (lower case, a part is enough).
GUESSES = {
    "name_col": ("nimi", "indikaattori", "name"),
    "key_col": ("avain", "tunniste", "key"),
    "group_col": ("ryhmä", "teema", "osa-alue", "group"),
    "sotkanet_col": ("sotkanet", "id"),
    "unit_col": ("yksikkö", "unit"),
    "good_col": ("suunta", "good", "hyvä"),
    "kind_col": ("laji", "tyyppi", "kind"),
}


UNITS = [
    ("percent", _("percent")),
    ("per_1000", _("per 1,000")),
    ("count", _("count")),
    ("score", _("score")),
]
GOOD = [("up", _("the higher the better")), ("down", _("the lower the better"))]
KINDS = [("outcome", _("outcome indicator")), ("process", _("process indicator"))]


class OwnSetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The list (.xlsx or .csv)"),
        help_text=_("THL's published list, or the template below filled in."),
    )


class OwnSetForm(forms.Form):
    """The set's name and which column of the list holds what."""

    stored = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name of the set"), max_length=200)
    key = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        help_text=_("The set is known by it and its year; a new file with them is a new version."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Level"), choices=OwnSet.Level.choices)
    welfare_report = forms.BooleanField(
        label=_("Show the set as its own tables in the welfare reports"), required=False
    )
    name_col = forms.ChoiceField(label=_("Column of the indicator's name"))
    key_col = forms.ChoiceField(label=_("Column of the row's own key"), required=False)
    group_col = forms.ChoiceField(label=_("Column of the group"), required=False)
    sotkanet_col = forms.ChoiceField(label=_("Column of the Sotkanet number"), required=False)
    unit_col = forms.ChoiceField(label=_("Column of the unit"), required=False)
    good_col = forms.ChoiceField(label=_("Column of which way is good"), required=False)
    kind_col = forms.ChoiceField(label=_("Column of process or outcome"), required=False)
    unit_default = forms.ChoiceField(label=_("Unit where the list says none"), choices=UNITS)
    good_default = forms.ChoiceField(
        label=_("Which way is good where the list says nothing"), choices=GOOD
    )
    kind_default = forms.ChoiceField(
        label=_("Process or outcome where the list says nothing"), choices=KINDS
    )

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        columns = [(str(i), text or f"({i + 1})") for i, text in enumerate(header)]
        for name, words in GUESSES.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - the fields above
            field.choices = ([] if field.required else [(NO_COLUMN, "—")]) + columns
            guess = next(
                (str(i) for i, text in enumerate(header) if any(w in text.lower() for w in words)),
                None,
            )
            if guess is not None and not self.is_bound:
                field.initial = guess

    def columns(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {
            name.removesuffix("_col").replace("sotkanet", "sotkanet_id"): (
                int(data[name]) if data.get(name) not in (None, NO_COLUMN) else None
            )
            for name in GUESSES
        }


class OwnSetRowForm(forms.Form):
    """A row added to the area's own set in the app."""

    name = forms.CharField(label=_("Indicator"), max_length=300, required=False)
    group = forms.CharField(label=_("Group"), max_length=200, required=False)
    sotkanet_id = forms.IntegerField(label=_("Sotkanet id"), min_value=1, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNITS)
    good = forms.ChoiceField(label=_("Direction of good"), choices=GOOD)
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
