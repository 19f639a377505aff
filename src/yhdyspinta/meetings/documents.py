"""Agendas and minutes as DOCX and PDF."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.core.documents import docx_bytes, docx_document, docx_table, pdf_from_template

from .models import Meeting, Minutes
from .selectors import attendance_summary, chair_on_the_day


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return f"{start:%d.%m.%Y %H:%M}–{timezone.localtime(meeting.ends_at):%H:%M}"


def _facts(meeting: Meeting, audience: Audience) -> list[tuple[str, str]]:
    facts = [(_("Time"), _when(meeting)), (_("Convener"), meeting.convener.name)]
    if meeting.place:
        facts.append((_("Place"), meeting.place))
    if link := audience.meeting_link(meeting):
        facts.append((_("Online"), link))
    return facts


def agenda_docx(meeting: Meeting, audience: Audience = PUBLIC) -> bytes:
    document = docx_document(
        author=meeting.body.area.name,
        organisation=meeting.body.name,
        kind=_("Agenda"),
        title=meeting.title,
        day=timezone.localtime(meeting.starts_at).date(),
    )
    for label, value in _facts(meeting, audience):
        document.add_paragraph().add_run(f"{label}: ").bold = True
        document.paragraphs[-1].add_run(value)
    for item in meeting.agenda_items.all():
        document.add_heading(f"{item.order}. {item.title}", level=2)
        if presenter := audience.person_text(item.presenter):
            document.add_paragraph(_("Presenter: %(presenter)s") % {"presenter": presenter})
        if item.proposal:
            paragraph = document.add_paragraph()
            paragraph.add_run(_("Proposal") + ": ").bold = True
            paragraph.add_run(item.proposal)
    return docx_bytes(document)


def agenda_pdf(meeting: Meeting, audience: Audience = PUBLIC) -> bytes:
    return pdf_from_template(
        "meetings/agenda_document.html",
        {
            "meeting": meeting,
            "audience": audience,
            "facts": _facts(meeting, audience),
            "title": meeting.title,
            "organisation": meeting.body.name,
            "kind": _("Agenda"),
            "day": timezone.localtime(meeting.starts_at).date(),
        },
    )


def _minutes_context(minutes: Minutes, audience: Audience) -> dict:
    meeting = minutes.meeting
    return {
        "minutes": minutes,
        "meeting": meeting,
        "audience": audience,
        "facts": _facts(meeting, audience),
        "attendance": attendance_summary(meeting, audience),
        "title": meeting.title,
        "organisation": meeting.body.name,
        "kind": _("Minutes"),
        "day": timezone.localtime(meeting.starts_at).date(),
    }


def minutes_docx(minutes: Minutes, audience: Audience = PUBLIC) -> bytes:
    context = _minutes_context(minutes, audience)
    meeting = minutes.meeting
    document = docx_document(
        author=minutes.meeting.body.area.name,
        organisation=context["organisation"],
        kind=context["kind"],
        title=meeting.title,
        day=context["day"],
    )
    if minutes.status == Minutes.Status.DRAFT:
        document.add_paragraph(_("DRAFT – not approved")).runs[0].bold = True
    elif minutes.status == Minutes.Status.APPROVED:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("APPROVED")).bold = True
        paragraph.add_run(" – " + approval_text(minutes, audience))
    elif minutes.status == Minutes.Status.SUPERSEDED:
        stamp = _("REPLACED BY A CORRECTION – this version is no longer in force")
        document.add_paragraph(stamp).runs[0].bold = True
    for label, value in context["facts"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_heading(_("Present"), level=2)
    rows = [[a.organisation.name, a.get_capacity_display()] for a in context["attendance"].present]
    if audience.sees_people:
        guest = _("guest")
        rows = [
            [str(a.person) + (f" ({guest})" if a.is_guest else ""), *row]
            for a, row in zip(context["attendance"].present, rows, strict=True)
        ]
    header = [_("Represents"), _("Capacity")]
    docx_table(document, [_("Person"), *header] if audience.sees_people else header, rows)
    parties = "; ".join(
        f"{label}: {', '.join(names)}"
        for _key, label, names in context["attendance"].groups
        if names
    )
    document.add_paragraph(_("Parties present: %(parties)s") % {"parties": parties})
    if context["attendance"].absent:
        document.add_paragraph(
            _("Absent: %(names)s") % {"names": ", ".join(context["attendance"].absent_labels)}
        )
    if minutes.summary:
        document.add_heading(_("Summary"), level=2)
        document.add_paragraph(minutes.summary)
    for item in minutes.items.all():
        document.add_heading(f"{item.agenda_item.order}. {item.agenda_item.title}", level=2)
        if item.discussion:
            document.add_paragraph(item.discussion)
        if item.decision:
            paragraph = document.add_paragraph()
            paragraph.add_run(_("Decision") + ": ").bold = True
            paragraph.add_run(item.decision)
    groups = list(minutes.theme_groups.all())
    if groups:
        document.add_heading(_("Theme work"), level=2)
        for group in groups:
            document.add_heading(f"{group.name}: {group.topic}", level=3)
            if scribes := audience.person_text(group.scribes):
                document.add_paragraph(_("Scribes: %(names)s") % {"names": scribes})
            docx_table(
                document,
                [_("Idea"), _("Proposed by"), _("Who would do it"), _("How")],
                [
                    [
                        idea.text,
                        audience.person_text(idea.proposed_by),
                        idea.actors,
                        idea.get_mode_display(),
                    ]
                    for idea in group.ideas.all()
                ],
            )
    document.add_heading(_("Approval"), level=2)
    document.add_paragraph(approval_text(minutes, audience))
    return docx_bytes(document)


def minutes_pdf(minutes: Minutes, audience: Audience = PUBLIC) -> bytes:
    context = _minutes_context(minutes, audience)
    context["approval"] = approval_text(minutes, audience)
    return pdf_from_template("meetings/minutes_document.html", context)


def approval_text(minutes: Minutes, audience: Audience = PUBLIC) -> str:
    """Whether, when, how and by whom the version was approved. The public reads the
    capacity (the chair); the area's users also read the chair's name and who recorded
    the approval in the app."""
    if minutes.approved_at is None:
        return _("Not approved yet (version %(version)s).") % {"version": minutes.version}
    at = timezone.localtime(minutes.approved_at)
    when = _("%(date)s at %(time)s") % {
        "date": f"{at.day}.{at.month}.{at.year}",
        "time": at.strftime("%H.%M"),
    }
    if minutes.approval_method == Minutes.Approval.NEXT_MEETING and minutes.approved_in:
        day = timezone.localtime(minutes.approved_in.starts_at)
        text = _("Approved at the meeting of %(date)s, recorded %(when)s (version %(version)s).")
        text %= {
            "date": f"{day.day}.{day.month}.{day.year}",
            "when": when,
            "version": minutes.version,
        }
    else:
        chair = _chair(minutes) if audience.sees_people else ""
        text = _("Approved by the chair%(name)s on %(when)s (version %(version)s).") % {
            "name": f" {chair}" if chair else "",
            "when": when,
            "version": minutes.version,
        }
    if audience.sees_people and minutes.approved_by is not None:
        recorder = minutes.approved_by.get_full_name() or minutes.approved_by.get_username()
        text += " " + _("Recorded in the app by %(name)s.") % {"name": recorder}
    return text


def _chair(minutes: Minutes) -> str:
    return chair_on_the_day(minutes.meeting)
