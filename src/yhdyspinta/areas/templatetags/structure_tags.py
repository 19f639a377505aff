"""The structure picture's bodies, as boxes of the SVG and as the list beside it,
written in Python: an area may have a hundred bodies, and a template loop costs some
150 µs a box where this costs a tenth of it. The markup is what the template made,
every text escaped as the template's autoescape does."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yhdyspinta.core.rows import escape, row_url

register = template.Library()


def _members(box) -> str:
    count = len(box.organisations)
    return ngettext(
        "%(counter)s member organisation", "%(counter)s member organisations", count
    ) % {"counter": count}


def _more_url(row, area) -> str:
    """The list of the area's working bodies at the row's level."""
    return escape(
        reverse("bodies:bodies", kwargs={"area": area.slug}) + f"?level={row.level}&state=current"
    )


@register.simple_tag
def structure_boxes(row, area) -> SafeString:
    body_url = row_url("bodies:body", area)
    convener, no_rhythm = escape(_("Convener")), _("No rhythm set")
    parts = []
    for box in row.boxes:
        x = box.x + 8
        names = "".join(
            f'<tspan x="{x}" dy="{0 if i == 0 else 18}">{escape(line)}</tspan>'
            for i, line in enumerate(box.name_lines)
        )
        parts.append(
            f'\n    <a href="{body_url(box.body.pk)}" class="body-link">\n'
            f'      <rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" '
            'rx="8" class="body-box"/>\n'
            f'      <text x="{x}" y="{box.y + 22}" class="body-name">{names}</text>\n'
            f'      <text x="{x}" y="{box.y + 66}" class="body-meta">{convener}: '
            f"{escape(box.convener)}</text>\n"
            f'      <text x="{x}" y="{box.y + 84}" class="body-meta">'
            f"{escape(box.rhythm_short or no_rhythm)}</text>\n"
            f'      <text x="{x}" y="{box.y + 102}" class="body-meta">'
            f"{escape(_members(box))}</text>\n"
            "    </a>"
        )
    if more := row.more:
        listed = escape(_("on the list of bodies"))
        x = more.x + 8
        names = "".join(
            f'<tspan x="{x}" dy="{0 if i == 0 else 18}">{escape(line)}</tspan>'
            for i, line in enumerate(more.label_lines)
        )
        parts.append(
            f'\n    <a href="{_more_url(row, area)}" class="body-link more-link">\n'
            f'      <rect x="{more.x}" y="{more.y}" width="{more.width}" '
            f'height="{more.height}" rx="8" class="body-box more-box"/>\n'
            f'      <text x="{x}" y="{more.y + 22}" class="body-name">{names}</text>\n'
            f'      <text x="{x}" y="{more.y + 96}" class="body-meta">'
            f"{listed}</text>\n"
            "    </a>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


@register.simple_tag
def structure_items(row, area) -> SafeString:
    body_url = row_url("bodies:body", area)
    convener, rhythm = escape(_("Convener")), escape(_("Rhythm"))
    parent, members = escape(_("Reports to")), escape(_("Member organisations"))
    parts = []
    for box in row.boxes:
        body = box.body
        role = f" ({escape(body.convener_role)})" if body.convener_role else ""
        name = escape(body.convener.name) if body.convener else ""
        parts.append(
            f'\n    <li>\n      <a href="{body_url(body.pk)}">{escape(body.name)}</a>.'
            f"\n      {convener}: {name}{role}.\n      "
        )
        if box.rhythm:
            parts.append(f"{rhythm}: {escape('; '.join(box.rhythm))}.")
        parts.append("\n      ")
        if body.parent:
            parts.append(f"{parent}: {escape(body.parent.name)}.")
        parts.append("\n      ")
        if box.organisations:
            parts.append(f"<br>{members}: {escape(', '.join(box.organisations))}.")
        parts.append("\n    </li>")
    if row.more:
        listed = escape(_("on the list of bodies"))
        parts.append(
            f'\n    <li><a href="{_more_url(row, area)}">{escape(row.more.label)}</a> {listed}</li>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped
