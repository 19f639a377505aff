from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class NewAreaForm(forms.Form):
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
    admin_email = forms.EmailField(
        label=_("The first administrator's e-mail"),
        help_text=_("They get an invitation to create their account as the area administrator."),
    )
