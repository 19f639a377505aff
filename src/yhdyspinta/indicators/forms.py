from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import EMPTY_LABEL, AreaModelForm
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.programme.models import Priority, SotkanetGender

from .models import (
    DataSource,
    FollowedIndicator,
    KerroinParameters,
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
