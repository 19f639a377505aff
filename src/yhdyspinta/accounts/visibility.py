"""What one audience may see of a row: the one place every output asks (HTML pages,
PDF and DOCX documents, XLSX and CSV exports, ICS feeds, charts and warnings).

The public never sees a person. Where a page would name someone, the public reads the
organisation and the capacity instead ("Joensuun kaupunki, poliittinen johto"); free
text that names people (presenters, scribes, proposers) is left out; meeting links are
for invitees and the area's users, never on a public page, document or feed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from yhdyspinta.areas.models import Area

from .permissions import Access

__all__ = ["INTERNAL", "PUBLIC", "Audience"]


@dataclass(frozen=True)
class Audience:
    sees_people: bool

    @classmethod
    def of(cls, access: Access, area: Area) -> Audience:
        """A user with a role in the area (or a superuser) sees people; anyone else is
        the public."""
        return INTERNAL if access.can_view_private(area) else PUBLIC

    @property
    def is_public(self) -> bool:
        return not self.sees_people

    def attendee(self, attendance) -> str:
        """One line of an attendance list."""
        capacity = attendance.get_capacity_display().lower()
        if self.sees_people:
            guest = _("guest")  # not inside the f-string: xgettext finds it here
            guest = f" – {guest}" if attendance.is_guest else ""
            return f"{attendance.person} ({attendance.organisation.name}, {capacity}){guest}"
        return f"{attendance.organisation.name}, {capacity}"

    def attendees(self, attendances) -> str:
        """Who took part, in one line: each person for the area's users; for the public
        each organisation once with its capacities ("Joensuun kaupunki (poliittinen
        johto, viranhaltijajohto)"), in the order they come."""
        if self.sees_people:
            return ", ".join(dict.fromkeys(self.attendee(a) for a in attendances))
        capacities: dict[str, dict[str, None]] = {}
        for attendance in attendances:
            capacity = attendance.get_capacity_display().lower()
            capacities.setdefault(attendance.organisation.name, {})[capacity] = None
        return ", ".join(f"{name} ({', '.join(caps)})" for name, caps in capacities.items())

    def member(self, membership) -> str:
        """A seat: the person for the area's users, the organisation for the public."""
        return self.seat(str(membership.person), membership.organisation.name)

    def seat(self, person: str, organisation: str) -> str:
        """A seat from its person's and organisation's names (read as values)."""
        return f"{person} ({organisation})" if self.sees_people else organisation

    def person_text(self, text: str) -> str:
        """Free text that may name people (presenter, scribes, who proposed)."""
        return text if self.sees_people else ""

    def meeting_link(self, meeting) -> str:
        return meeting.online_link if self.sees_people else ""

    def location(self, meeting) -> str:
        return ", ".join(p for p in (meeting.place, self.meeting_link(meeting)) if p)


PUBLIC = Audience(sees_people=False)
INTERNAL = Audience(sees_people=True)
