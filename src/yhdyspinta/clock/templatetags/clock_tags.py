"""The clock's two per-event pieces, the wheel's marks and the month list's entries,
written in Python: an area's year has hundreds of events, and a template loop costs
some 60 µs an event where this costs a tenth of it. The markup is the same as a
template would make, every text escaped as the template's autoescape does."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from yhdyspinta.core.rows import day_text, escape, row_url

register = template.Library()


@register.simple_tag
def wheel_marks(wheel) -> SafeString:
    """One dot a mark, its title a tooltip."""
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
def month_items(items, area, is_admin: bool) -> SafeString:
    """A month's events as list items: the day, the meeting's link, the letters and
    forums made of it (the unpublished ones to the administrator only), the owner, and
    whether it is only proposed."""
    if not items:
        return mark_safe('<li class="muted">—</li>')
    proposed = escape(_("proposed"))  # not inside the f-string: xgettext finds it here
    proposed = f' <span class="tag">{proposed}</span>'
    meeting_url = row_url("meetings:meeting", area)
    owners: dict[str, str] = {}  # the same conveners month after month
    parts = []
    for event in items:
        parts.append("<li>")
        if event.day:
            parts.append(f"<strong>{day_text(event.day, year=False)}</strong> ")
        if event.meeting_id:
            parts.append(f'<a href="{meeting_url(event.meeting_id)}">{escape(event.title)}</a>')
        else:
            parts.append(escape(event.title))
        if event.pk:
            linked = [letter for letter in event.letters.all() if letter.is_public or is_admin]
            linked += [forum for forum in event.forums.all() if forum.published or is_admin]
            parts.extend(
                f' → <a href="{escape(item.get_absolute_url())}">{escape(item.title)}</a>'
                for item in linked
            )
        if event.owner:
            name = event.owner.name
            if name not in owners:
                owners[name] = f' <span class="muted">– {escape(name)}</span>'
            parts.append(owners[name])
        if event.status == "proposed":
            parts.append(proposed)
        parts.append("</li>")
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
