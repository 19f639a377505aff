from __future__ import annotations

from django import forms
from django.utils.dates import MONTHS
from django.utils.text import capfirst

from yhdyspinta.areas.forms import AreaModelForm

from .models import AreaEvent


class AreaEventForm(AreaModelForm):
    class Meta:
        model = AreaEvent
        fields = ["title", "kind", "month", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"] = forms.TypedChoiceField(
            label=self.fields["month"].label,
            coerce=int,
            choices=[(m, capfirst(str(MONTHS[m]))) for m in range(1, 13)],
        )
