from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import EMPTY_LABEL, DateInput
from yhdyspinta.parties.models import Organisation

from .models import SOTKANET_VALUES, Goal, Indicator, IndicatorValue, Measure, MeasureStatus


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "goal",
            "order",
            "name",
            "description",
            "lead",
            "participants",
            "themes",
            "sub_regions",
            "starts_year",
            "ends_year",
            "resources",
            "target_indicator",
            "target_value",
        ]
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "sub_regions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        area = programme.area
        organisations = Organisation.objects.filter(area=area, ended_on__isnull=True)
        self.fields["goal"].queryset = Goal.objects.filter(priority__programme=programme)
        self.fields["lead"].queryset = organisations
        self.fields["lead"].required = False  # the model says why it is needed
        self.fields["participants"].queryset = organisations
        self.fields["themes"].queryset = area.themes.all()
        self.fields["sub_regions"].queryset = area.sub_regions.all()
        self.fields["target_indicator"].queryset = Indicator.objects.filter(
            goal__priority__programme=programme
        )
        for name in ("goal", "lead", "target_indicator"):
            self.fields[name].empty_label = EMPTY_LABEL


class IndicatorValueForm(forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "year", "level", "organisation", "sub_region", "value"]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            goal__priority__programme=programme
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            area=programme.area, kind="municipality"
        )
        self.fields["sub_region"].queryset = programme.area.sub_regions.all()
        for name in ("indicator", "organisation", "sub_region"):
            self.fields[name].empty_label = EMPTY_LABEL

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        if level == IndicatorValue.Level.MUNICIPALITY and not cleaned.get("organisation"):
            self.add_error("organisation", _("Choose the municipality."))
        if level == IndicatorValue.Level.SUB_REGION and not cleaned.get("sub_region"):
            self.add_error("sub_region", _("Choose the sub-region."))
        indicator = cleaned.get("indicator")
        if indicator and indicator.source == Indicator.Source.SOTKANET:
            self.add_error("indicator", SOTKANET_VALUES)
        return cleaned


class FollowUpForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class MeasureReportForm(forms.Form):
    """One measure's report for the year. Left as "not reported", nothing is stored: a
    measure nobody reported is not given a status, and last year's is not copied."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("– not reported –")), *MeasureStatus.choices],
        required=False,
    )
    account = forms.CharField(
        label=_("Account"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A few sentences: what was done, what is next."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account", "").strip() and not cleaned.get("status"):
            self.add_error("status", _("Choose the status that the account describes."))
        return cleaned

    @property
    def reported(self) -> bool:
        return bool(self.cleaned_data.get("status"))


class PromoteForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=Goal.objects.none(), empty_label=EMPTY_LABEL
    )
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), empty_label=EMPTY_LABEL
    )
    name = forms.CharField(label=_("Name of the measure"), max_length=250)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(
            priority__programme__area=area
        ).select_related("priority")
        self.fields["goal"].label_from_instance = lambda g: (
            f"{g.priority.order}. {g.priority.name} – {g.name}"
        )
        self.fields["lead"].queryset = Organisation.objects.filter(area=area)
