from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.agreements.models import Section
from yhdyspinta.areas.forms import AreaModelForm
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.bodies.selectors import working

from .models import PartyGroup, Practice, Rule


def venue_field(group: str) -> str:
    return f"venue_{group}"


class PracticeForm(AreaModelForm):
    """How the area fulfils one obligation. For §7 also where each party group takes
    part besides the counted meetings; for §14 the area's way of negotiating."""

    class Meta:
        model = Practice
        fields = ["bodies", "every_meeting_counts", "evidence", "section", "basis"]
        widgets = {"bodies": forms.CheckboxSelectMultiple}

    def __init__(self, *args, area: Area, **kwargs):
        super().__init__(*args, area=area, **kwargs)
        bodies = Body.objects.filter(working(), area=area).order_by("name")
        body_field = cast(forms.ModelMultipleChoiceField, self.fields["bodies"])
        section_field = cast(forms.ModelChoiceField, self.fields["section"])
        body_field.queryset = bodies
        section_field.queryset = Section.objects.filter(
            version__agreement__area=area
        ).select_related("version__agreement")
        section_field.label_from_instance = lambda obj: (  # type: ignore[method-assign]
            f"{obj.version.agreement.title}, v{obj.version.number}: {obj}"
        )
        rule = self.instance.rule
        if rule == Rule.NEGOTIATION_612_7:
            chosen: dict[str, list[int]] = {}
            if self.instance.pk:
                for venue in self.instance.venues.all():
                    chosen.setdefault(venue.group, []).append(venue.body_id)
            for group, label in PartyGroup.choices:
                self.fields[venue_field(group)] = forms.ModelMultipleChoiceField(
                    queryset=bodies,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    label=_("Where %(group)s may also take part") % {"group": label},
                    initial=chosen.get(group, []),
                )
        if rule == Rule.TERM_611_14:
            self.fields["mode"] = forms.ChoiceField(
                label=Area._meta.get_field("negotiation_611_mode").verbose_name,
                choices=Area.Negotiation611Mode.choices,
                initial=area.negotiation_611_mode,
            )

    def venues(self) -> dict[str, list[Body]]:
        return {
            group: list(self.cleaned_data.get(venue_field(group)) or [])
            for group in PartyGroup.values
            if venue_field(group) in self.fields
        }
