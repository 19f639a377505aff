"""Form base shared by every app: binds the area, keeps choices inside it."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Area, CouncilTerm, SubRegion, Theme

EMPTY_LABEL = _("– choose –")
# Django's own label for the empty choice of a model field's choices, which its Finnish
# and Swedish catalogues do not have yet: this catalogue (LOCALE_PATHS) translates it.
DJANGO_BLANK_CHOICE = _("- Select an option -")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AreaModelForm(forms.ModelForm):
    """A ModelForm for a row of one area. Foreign keys offer only rows of that area, so
    nothing can be linked across areas even by a crafted POST."""

    area_field: str | None = "area"

    def __init__(self, *args, area: Area, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.access = access
        if self.area_field and not getattr(self.instance, f"{self.area_field}_id", None):
            setattr(self.instance, self.area_field, area)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                field.empty_label = EMPTY_LABEL
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model is not Area:
                model_fields = {f.name for f in queryset.model._meta.get_fields()}
                if "area" in model_fields:
                    field.queryset = queryset.filter(area=area)
            if isinstance(field.widget, forms.DateInput) and not isinstance(
                field.widget, DateInput
            ):
                field.widget = DateInput()

    def _get_validation_exclusions(self):
        # The area is set on the row, not typed in: the model's constraints that include
        # it (a name unique in the area) are checked with the form, as a message on the
        # page instead of a database error.
        exclude = super()._get_validation_exclusions()
        if self.area_field:
            exclude.discard(self.area_field)
        return exclude


class SubRegionForm(AreaModelForm):
    class Meta:
        model = SubRegion
        fields = ["name", "order"]


class ThemeForm(AreaModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description", "order"]


class DeadlinesForm(AreaModelForm):
    """The area's own deadlines of a meeting's work (My tasks reads them)."""

    area_field = None

    class Meta:
        model = Area
        fields = ["invitation_days_before", "minutes_days_after"]


class NationalViewForm(AreaModelForm):
    """Whether the area's public statutory picture is shown in the national view, and
    which sites may embed its public pages."""

    area_field = None

    class Meta:
        model = Area
        fields = ["in_national_view", "embed_origins"]
        widgets = {"embed_origins": forms.Textarea(attrs={"rows": 4})}


class CouncilTermForm(AreaModelForm):
    class Meta:
        model = CouncilTerm
        fields = ["kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


def validate_unique_in_area(form: forms.ModelForm, model: type[models.Model], field: str) -> None:
    """Unique-per-area names give a field error instead of a database error."""
    value = form.cleaned_data.get(field)
    if not value:
        return
    qs = model.objects.filter(area=form.area, **{field: value})
    if form.instance.pk:
        qs = qs.exclude(pk=form.instance.pk)
    if qs.exists():
        form.add_error(field, _("This name is already in use in this area."))
