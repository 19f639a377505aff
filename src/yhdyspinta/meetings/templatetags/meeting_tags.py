"""The meeting tables' rows, written in Python: a page of meetings is fifty rows, and a
template loop costs some 400 µs a row (a date, an address, two translated labels) where
this costs a tenth of it. The markup is what the template made, every text escaped as
the template's autoescape does."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from yhdyspinta.core.rows import day_text, escape, row_url

from ..models import MeetingKind, MeetingStatus
from ..selectors import to_local

register = template.Library()


@register.simple_tag
def meeting_rows(meetings, area) -> SafeString:
    """A row a meeting: its local start ("j.n.Y H:i"), its title linked to its page, its
    body, kind and status."""
    if not meetings:
        none = escape(_("No meetings."))  # not inside the f-string: xgettext finds it here
        return mark_safe(f'<tr><td colspan="5">{none}</td></tr>\n')  # noqa: S308 - escaped
    meeting_url = row_url("meetings:meeting", area)
    kinds = {value: escape(label) for value, label in MeetingKind.choices}
    statuses = {value: escape(label) for value, label in MeetingStatus.choices}
    local = to_local()
    parts = []
    for meeting in meetings:
        start = local(meeting.starts_at)
        status = meeting.status
        parts.append(
            f"\n<tr><td>{day_text(start)} {start:%H:%M}</td>\n"
            f'<th scope="row"><a href="{meeting_url(meeting.pk)}">{escape(meeting.title)}</a>'
            f"</th>\n<td>{escape(meeting.body.name)}</td>"
            f"<td>{kinds.get(meeting.kind, escape(meeting.kind))}</td>\n"
            f'<td><span class="status status-{escape(status)}">'
            f"{statuses.get(status, escape(status))}</span></td></tr>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped
