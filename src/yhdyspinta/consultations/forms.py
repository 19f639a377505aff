"""The forms every round kind shares."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnswerChannel

# What the convener records for an answer that came outside the app (the app and the
# personal link record themselves).
RECORDED_CHANNELS = [
    (c.value, c.label)
    for c in (
        AnswerChannel.LETTER,
        AnswerChannel.EMAIL,
        AnswerChannel.PHONE,
        AnswerChannel.REGISTRY,
        AnswerChannel.APP,
    )
]


class EntryForm(forms.Form):
    """How an answer reached the convener when they record it on the organisation's
    behalf: its channel and the registry's number."""

    channel = forms.ChoiceField(
        label=_("How the answer came"), choices=RECORDED_CHANNELS, initial=AnswerChannel.LETTER
    )
    registry_number = forms.CharField(label=_("Registry number"), required=False, max_length=60)
