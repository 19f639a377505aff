"""Which days suit a meeting in Finland: not a public holiday, not July, not Midsummer
week nor the rest of June after it, not the Christmas holidays. The annual clock's
proposals avoid these days, and a meeting created on one gets a warning."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from django.utils import translation
from django.utils.translation import gettext as _

HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def midsummer_eve(year: int) -> date:
    """The Friday between 19 and 25 June."""
    day = date(year, 6, 19)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def unsuitable(day: date) -> str:
    """Why the day is a poor one for a meeting, in the active language; empty if none."""
    language = HOLIDAY_LANGUAGES.get((translation.get_language() or "fi")[:2], "fi")
    holiday = holidays.Finland(years=day.year, language=language).get(day)
    if holiday:
        return _("%(day)s is a public holiday (%(name)s).") % {
            "day": f"{day.day}.{day.month}.",
            "name": holiday,
        }
    if day.month == 7:
        return _("July is the summer holiday month.")
    midsummer_week = midsummer_eve(day.year) - timedelta(days=4)
    if day.month == 6 and day >= midsummer_week:
        return _("Midsummer week and the rest of June are holiday time.")
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 6):
        return _("The Christmas holidays run from 20 December to Epiphany.")
    return ""
