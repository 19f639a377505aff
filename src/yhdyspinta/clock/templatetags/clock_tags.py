"""The clock's two per-event pieces, the wheel's marks and the month list's entries,
written in Python: an area's year has hundreds of events, and a template loop costs
some 60 µs an event where this costs a tenth of it. The markup is the same as a
template would make, every text escaped as the template's autoescape does."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django import template
from django.utils.dates import MONTHS_AP
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.clock.selectors import MONTH_MEETINGS, polar, ring_of
from yhdyspinta.core.rows import day_text, escape, row_url

register = template.Library()


def _weekly_marks(wheel, titled: bool) -> SafeString:
    """One dot for a ring's events of a week, the larger the more of them: on paper
    always (a busy area's thousand meetings drawn one by one took WeasyPrint half a
    second and read as a smudge; the annex names them), on the screen beyond
    WHEEL_MARKS events, each dot's title naming the week and how many (`titled`)."""
    radius = {key: (r, colour) for key, r, colour in wheel.rings}
    weeks: Counter[tuple[str, int]] = Counter()
    year = None
    first_day = 0  # the ordinal of the year's 1 January
    for event in wheel.events:
        day = event.day
        if day is None:  # known by its month: mid-month
            week = int(((event.month - 0.5) * 30.4 - 1) // 7)
        else:
            if year is None:
                year = day.year
                first_day = date(year, 1, 1).toordinal()
            week = (day.toordinal() - first_day) // 7
        weeks[(ring_of(event), min(51, week))] += 1
    parts = []
    texts: dict[int, str] = {}  # the title's words by count (a few hundred dots)
    for (key, week), count in sorted(weeks.items()):
        ring, colour = radius[key]
        x, y = polar(ring, (week + 0.5) / 52)
        title = ""
        if titled and year:
            if count not in texts:
                texts[count] = ngettext(
                    "%(first)s–%(last)s: %(count)s event",
                    "%(first)s–%(last)s: %(count)s events",
                    count,
                )
            first = date(year, 1, 1) + timedelta(days=7 * week)
            last = first + timedelta(days=6 if week < 51 else 8)
            text = texts[count] % {
                "first": day_text(first, year=False),
                "last": day_text(min(last, date(year, 12, 31)), year=False),
                "count": count,
            }
            title = f"<title>{escape(text)}</title>"
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{round(4 + 2.5 * math.sqrt(count), 1)}" '
            f'fill="{escape(colour)}" stroke="#fff" stroke-width="1">{title}</circle>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


@register.simple_tag
def wheel_marks(wheel, printed: bool = False) -> SafeString:
    """One dot a mark, its title a tooltip; on paper, and beyond WHEEL_MARKS events on
    the screen, one a ring's week (_weekly_marks)."""
    if printed or wheel.by_week:
        return _weekly_marks(wheel, titled=not printed)
    parts = []
    colours: dict[str, str] = {}  # a handful of rings, hundreds of marks
    for mark in wheel.marks:
        event = mark.event
        day = f" {day_text(event.day, year=False)}" if event.day else ""
        if mark.colour not in colours:
            colours[mark.colour] = escape(mark.colour)
        parts.append(
            f'<circle cx="{mark.x}" cy="{mark.y}" r="{6 if event.kind == "meeting" else 8}" '
            f'fill="{colours[mark.colour]}" stroke="#fff" stroke-width="1.5">'
            f"<title>{escape(event.title)}{day}</title></circle>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


@register.simple_tag
def month_items(
    items, area, is_admin: bool, number: int = 0, whole_month: int = 0, query: str = ""
) -> SafeString:
    """A month's events as list items: the day, the meeting's link, the letters and
    forums made of it (the unpublished ones to the administrator only), the owner, and
    whether it is only proposed. A month `number` other than `whole_month` names at
    most MONTH_MEETINGS meetings (and every other event), then how many more with a link
    to the page with the whole month (the page's other parameters in `query`)."""
    whole = not number or number == whole_month
    if not items:
        return mark_safe('<li class="muted">—</li>')
    meetings = 0
    hidden = 0
    proposed = escape(_("proposed"))  # not inside the f-string: xgettext finds it here
    proposed = f' <span class="tag">{proposed}</span>'
    meeting_url = row_url("meetings:meeting", area)
    letter_url = row_url("outreach:letter", area)
    forum_url = row_url("outreach:forum", area)
    owners: dict[str, str] = {}  # the same conveners month after month
    parts = []
    for event in items:
        if event.kind == "meeting":
            meetings += 1
            if not whole and meetings > MONTH_MEETINGS:
                hidden += 1
                continue
        parts.append("<li>")
        if event.day:
            parts.append(f"<strong>{day_text(event.day, year=False)}</strong> ")
        if event.meeting_id:
            parts.append(f'<a href="{meeting_url(event.meeting_id)}">{escape(event.title)}</a>')
        else:
            parts.append(escape(event.title))
        if isinstance(event, ClockEvent):  # a slot of the clock, not a meeting's row
            # Letters and forums (outreach's, a layer above: read by their fields), of
            # the event's area (their forms offer only its events), linked by their ids.
            linked: list[tuple[str, Any]] = [
                (letter_url(letter.pk), letter)
                for letter in event.letters.all()
                if letter.is_public or is_admin
            ]
            linked += [
                (forum_url(forum.pk), forum)
                for forum in event.forums.all()
                if forum.published or is_admin
            ]
            parts.extend(f' → <a href="{url}">{escape(item.title)}</a>' for url, item in linked)
        if event.owner:
            name = event.owner.name
            if name not in owners:
                owners[name] = f' <span class="muted">– {escape(name)}</span>'
            parts.append(owners[name])
        if event.status == "proposed":
            parts.append(proposed)
        parts.append("</li>")
    if hidden:
        more = ngettext(
            "%(count)s more meeting: the whole month",
            "%(count)s more meetings: the whole month",
            hidden,
        ) % {"count": hidden}
        url = f"?{query}{'&' if query else ''}month={int(number)}#m{int(number)}"
        parts.append(f'<li class="more"><a href="{escape(url)}">{escape(more)}</a></li>')
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


@register.simple_tag
def select_options(rows, selected: str) -> SafeString:
    """A filter's options, one a row (an area has hundreds of organisations), the chosen
    one selected."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{int(pk)}"{" selected" if str(pk) == selected else ""}>'
            f"{escape(name)}</option>"
            for pk, name in rows
        )
    )


@register.simple_tag
def month_summary(months) -> SafeString:
    """The printed clock's year on one page: a row a month with the area's own events
    (everything but meetings) by day and how many meetings the month has; the meetings
    themselves are in the annex (`annex_rows`)."""
    parts = []
    for _number, name, items in months:
        meetings = sum(1 for event in items if event.kind == "meeting")
        others = [
            (f"{day_text(event.day, year=False)} " if event.day else "") + escape(event.title)
            for event in items
            if event.kind != "meeting"
        ]
        parts.append(
            f'<tr><th scope="row">{escape(name)}</th><td>{"<br>".join(others) or "—"}</td>'
            f'<td class="number">{meetings}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


@register.simple_tag
def annex_rows(events) -> SafeString:
    """The printed clock's annex: each body's meetings of the year on one row (the body,
    the days, who convenes), the bodies by name; a day only proposed is marked with an
    asterisk. A busy area's thousand meetings take a few pages this way."""
    rows: dict[str, tuple[list[str], str]] = {}
    for event in events:
        if event.kind != "meeting":
            continue
        name = event.body.name if event.body is not None else event.title
        days = rows.setdefault(name, ([], event.owner.name if event.owner else ""))[0]
        # A slot known only by its month is written as the month ("kesä").
        when = (
            day_text(event.day, year=False)
            if event.day
            else str(MONTHS_AP[event.month]).rstrip(".")
        )
        days.append(when + ("*" if event.status == "proposed" else ""))
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<tr><th scope="row">{escape(name)}</th><td>{len(days)}</td>'
            f"<td>{escape(', '.join(days))}</td><td>{escape(owner)}</td></tr>"
            for name, (days, owner) in sorted(rows.items())
        )
    )
