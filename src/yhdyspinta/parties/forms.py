from django import forms
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.forms import AreaModelForm, DateInput, validate_unique_in_area

from .models import CounterpartPair, NamedRole, Organisation, OrganisationKind, Person


class OrganisationForm(AreaModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "business_id",
            "municipality_number",
            "sub_region",
            "street_address",
            "postal_code",
            "post_office",
            "email",
            "website",
            "is_agreement_party",
            "ended_on",
        ]
        widgets = {"ended_on": DateInput()}

    # Who the organisation is and whether it signed the agreement are the area's to say.
    admin_only_fields = (
        "name",
        "kind",
        "business_id",
        "municipality_number",
        "is_agreement_party",
        "ended_on",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.access is not None and not self.access.is_admin(self.area):
            for name in self.admin_only_fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Only the area administrator can change this.")

    def clean_business_id(self) -> str:
        return (self.cleaned_data.get("business_id") or "").strip()

    def clean(self):
        cleaned = super().clean()
        validate_unique_in_area(self, Organisation, "name")
        business_id = cleaned.get("business_id")
        if business_id:
            clash = Organisation.objects.filter(area=self.area, business_id=business_id)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "business_id",
                    _("%(name)s already has this business ID.") % {"name": clash.first()},
                )
        return cleaned


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
    sub_region = forms.ChoiceField(label=_("Sub-region"), required=False)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_region"].choices = [("", _("All sub-regions"))] + [
            (str(s.pk), s.name) for s in area.sub_regions.all()
        ]


class PersonForm(AreaModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "title",
            "leadership",
            "organisation",
            "email",
            "phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An organisation contact adds and edits people of their own organisations only.
        if self.access is not None and not self.access.is_admin(self.area):
            own = self.access.contact_organisations(self.area)
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(
                pk__in=own
            )
            self.fields["organisation"].required = True

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email:
            clash = Person.objects.filter(area=self.area, email__iexact=email)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "email",
                    _("%(name)s already has this e-mail address.") % {"name": clash.first()},
                )
        return cleaned


class NamedRoleForm(AreaModelForm):
    area_field = None

    class Meta:
        model = NamedRole
        fields = ["kind", "person", "holder_name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["person"].queryset = organisation.people.all()


class CounterpartPairForm(AreaModelForm):
    class Meta:
        model = CounterpartPair
        fields = ["topic", "county_person", "municipality_person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(area=self.area).select_related("organisation")
        self.fields["county_person"].queryset = people.filter(
            organisation__kind=OrganisationKind.COUNTY
        )
        municipal = people.filter(organisation__kind=OrganisationKind.MUNICIPALITY)
        if self.access is not None and not self.access.is_admin(self.area):
            municipal = municipal.filter(
                organisation__in=self.access.contact_organisations(self.area)
            )
        self.fields["municipality_person"].queryset = municipal
        for name in ("county_person", "municipality_person"):
            self.fields[name].label_from_instance = lambda p: f"{p} ({p.organisation})"
