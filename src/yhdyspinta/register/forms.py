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
