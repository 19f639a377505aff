"""Names that read as they are: a name, title or heading may not hold control characters
or the invisible characters that turn the direction of text (the "bidi override" trick
that shows `fdp.exe` as `exe.pdf`, or makes one organisation's name look like another's
in a list, a PDF or a spreadsheet)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

__all__ = ["NameField", "refuse_hidden_characters"]

# The explicit direction embeddings, overrides and isolates (Unicode's bidi controls; the
# marks LRM and RLM stay allowed: names in right-to-left scripts may need them).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@deconstructible
class _HiddenCharacters:
    message = _(
        "Remove the control or text-direction characters from this field: they can make a "
        "name look like another."
    )

    def __call__(self, value: object) -> None:
        text = str(value)
        if any(ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" for ch in text):
            raise ValidationError(self.message, code="hidden_characters")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _HiddenCharacters)

    def __hash__(self) -> int:
        return hash(_HiddenCharacters)


refuse_hidden_characters = _HiddenCharacters()


class NameField(models.CharField):
    """A one-line name, title or heading: a CharField that refuses hidden characters. It
    is a plain CharField to the migrations (the check is not stored in the database)."""

    default_validators = [refuse_hidden_characters]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
