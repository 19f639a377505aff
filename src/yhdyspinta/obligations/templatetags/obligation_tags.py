"""One obligation's result (its status, the meetings that show it, what is missing),
written in Python: the obligations page shows one for every municipality and rule and
for every rhythm of the area's bodies, which at national scale is hundreds, and an
included template costs some 200 µs each. The markup is what the included template
(obligations/_result.html) made, byte for byte (compared on the national data set),
every text escaped as the template's autoescape does."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from yhdyspinta.core.rows import day_text, escape, row_url
from yhdyspinta.meetings.selectors import to_local

register = template.Library()


@register.simple_tag(takes_context=True)
def obligation_result(context, r, area, show_title: bool = False) -> SafeString:
    """A result as a block: the rule (with `show_title`), the status, the evidence (each
    meeting's local date and title, linked to its page, and its note), what is missing,
    and (with `show_title`) what the area's way rests on."""
    urls = context.render_context.get("obligation_meeting_url")
    if urls is None:  # one reverse for the whole page
        urls = context.render_context["obligation_meeting_url"] = row_url("meetings:meeting", area)
    title = f"<p><strong>{escape(r.law)}</strong> {escape(r.title)}</p>" if show_title else ""
    evidence = ""
    if r.evidence:
        local = to_local()
        items = []
        for e in r.evidence:
            note = f" – {escape(e.note)}" if e.note else ""
            items.append(
                f'<li><a href="{urls(e.meeting.pk)}">{day_text(local(e.meeting.starts_at))} '
                f"{escape(e.meeting.title)}</a>{note}</li>"
            )
        evidence = f'<ul class="evidence">{"".join(items)}</ul>'
    missing = f'<p class="missing">{escape(r.missing)}</p>' if r.missing else ""
    if r.awaiting:
        local = to_local()
        awaiting_items = "".join(
            f'<li><a href="{urls(a.meeting.pk)}">{day_text(local(a.meeting.starts_at))} '
            f"{escape(a.meeting.title)}</a>: {escape(a.step)}</li>"
            for a in r.awaiting
        )
        missing += f'<ul class="awaiting">{awaiting_items}</ul>'

    way = ""
    if show_title and r.way:
        agreed = _("Agreed in: %(basis)s")  # not inside the f-string: xgettext finds it here
        way = f'<p class="muted">{agreed % {"basis": escape(r.way)}}</p>'
    return mark_safe(  # noqa: S308 - every value is escaped
        f'\n<div class="result">\n{title}\n'
        f'<p><span class="status status-{escape(r.status)}">'
        f"{escape(r.symbol)} {escape(r.status_label)}</span></p>\n"
        f"{evidence}\n{missing}\n{way}\n</div>\n"
    )
