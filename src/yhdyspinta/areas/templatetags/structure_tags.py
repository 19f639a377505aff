"""The structure picture's bodies, as boxes of the SVG and as the list beside it,
written in Python: an area may have a hundred bodies, and a template loop costs some
150 µs a box where this costs a tenth of it. The markup is what the template made,
every value escaped by format_html."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _body_url(area) -> tuple[str, str]:
    """The body page's address around its id: one reverse for all the boxes."""
    head, tail = reverse("bodies:body", kwargs={"area": area.slug, "pk": 0}).rsplit("/0/", 1)
    return head, tail


def _members(box) -> str:
    count = len(box.organisations)
    return ngettext(
        "%(counter)s member organisation", "%(counter)s member organisations", count
    ) % {"counter": count}


@register.simple_tag
def structure_boxes(row, area) -> SafeString:
    head, tail = _body_url(area)
    convener, no_rhythm = _("Convener"), _("No rhythm set")
    return mark_safe(  # noqa: S308 - every piece is format_html's
        "".join(
            format_html(
                '\n    <a href="{}/{}/{}" class="body-link">\n'
                '      <rect x="{}" y="{}" width="{}" height="{}" rx="8" class="body-box"/>\n'
                '      <text x="{}" y="{}" class="body-name">{}</text>\n'
                '      <text x="{}" y="{}" class="body-meta">{}: {}</text>\n'
                '      <text x="{}" y="{}" class="body-meta">{}</text>\n'
                '      <text x="{}" y="{}" class="body-meta">{}</text>\n'
                "    </a>",
                head,
                box.body.pk,
                tail,
                box.x,
                box.y,
                box.width,
                box.height,
                box.x + 8,
                box.y + 22,
                format_html_join(
                    "",
                    '<tspan x="{}" dy="{}">{}</tspan>',
                    (
                        (box.x + 8, 0 if i == 0 else 18, line)
                        for i, line in enumerate(box.name_lines)
                    ),
                ),
                box.x + 8,
                box.y + 66,
                convener,
                box.convener,
                box.x + 8,
                box.y + 84,
                box.rhythm_short or no_rhythm,
                box.x + 8,
                box.y + 102,
                _members(box),
            )
            for box in row.boxes
        )
    )


@register.simple_tag
def structure_items(row, area) -> SafeString:
    head, tail = _body_url(area)
    labels = {
        "convener": _("Convener"),
        "rhythm": _("Rhythm"),
        "parent": _("Reports to"),
        "members": _("Member organisations"),
    }
    items = []
    for box in row.boxes:
        body = box.body
        role = format_html(" ({})", body.convener_role) if body.convener_role else ""
        parts = [
            format_html(
                '\n    <li>\n      <a href="{}/{}/{}">{}</a>.\n      {}: {}{}.\n      ',
                head,
                body.pk,
                tail,
                body.name,
                labels["convener"],
                body.convener.name if body.convener else "",
                role,
            )
        ]
        if box.rhythm:
            parts.append(format_html("{}: {}.", labels["rhythm"], "; ".join(box.rhythm)))
        parts.append("\n      ")
        if body.parent:
            parts.append(format_html("{}: {}.", labels["parent"], body.parent.name))
        parts.append("\n      ")
        if box.organisations:
            parts.append(
                format_html("<br>{}: {}.", labels["members"], ", ".join(box.organisations))
            )
        parts.append("\n    </li>")
        items.append(mark_safe("".join(str(p) for p in parts)))  # noqa: S308
    return mark_safe("".join(items))  # noqa: S308 - every piece is format_html's
