"""Validators for Finnish identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas import national

__all__ = ["business_id_check_digit", "validate_business_id", "validate_municipality_number"]

BUSINESS_ID_RE = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(first_seven: str) -> int | None:
    """The check digit of a business ID (y-tunnus), or None when no digit can be valid
    (remainder 1: the Finnish Tax Administration never issues such numbers)."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def validate_business_id(value: str) -> None:
    match = BUSINESS_ID_RE.match(value or "")
    if not match:
        raise ValidationError(
            _("A business ID has seven digits, a hyphen and a check digit, e.g. 3221317-4."),
            code="format",
        )
    expected = business_id_check_digit(match.group(1))
    if expected is None or expected != int(match.group(2)):
        raise ValidationError(
            _("The check digit of business ID %(value)s is wrong. Check the number."),
            code="check_digit",
            params={"value": value},
        )


def validate_municipality_number(value: str) -> None:
    if not re.fullmatch(r"\d{3}", value or ""):
        raise ValidationError(_("A municipality number has three digits, e.g. 167."), code="format")
    if national.municipality(value) is None:
        raise ValidationError(
            _("%(value)s is not the number of any municipality in Statistics Finland's list."),
            code="unknown",
            params={"value": value},
        )
