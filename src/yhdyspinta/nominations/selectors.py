"""The status board of a round: each organisation's answer at a glance."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.models import Area
from yhdyspinta.consultations.selectors import Delivery, of_requests

from .models import NominationAnswer, NominationRequest, NominationRound, Nominee

STATUS_LABELS = {
    "answered": _("Answered"),
    "late": _("Answered late"),
    "draft": _("Draft"),
    "missing": _("Missing"),
}


@dataclass
class BoardRow:
    request: NominationRequest
    status: str
    answer: NominationAnswer | None
    members: int = 0
    deputies: int = 0
    names: list[str] = field(default_factory=list)
    versions: int = 0
    delivery: Delivery | None = None  # what the outbox did with the request

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def round_list(*, area: Area) -> QuerySet[NominationRound]:
    return (
        NominationRound.objects.filter(area=area).prefetch_related("bodies").order_by("-deadline")
    )


def board(round: NominationRound) -> list[BoardRow]:
    requests = round.requests.select_related("organisation", "body").prefetch_related(
        Prefetch(
            "answers",
            queryset=NominationAnswer.objects.order_by("-version").prefetch_related(
                Prefetch("nominees", queryset=Nominee.objects.select_related("person"))
            ),
        )
    )
    rows = []
    deputy = _("deputy")
    listed = list(requests)
    delivered = of_requests(round, listed)
    for request in listed:
        answers = list(request.answers.all())
        submitted = next(
            (a for a in answers if a.status == NominationAnswer.Status.SUBMITTED), None
        )
        latest = answers[0] if answers else None
        if submitted:
            status = "late" if submitted.is_late else "answered"
            shown = submitted
        elif latest:
            status, shown = "draft", latest
        else:
            status, shown = "missing", None
        nominees = list(shown.nominees.all()) if shown else []
        rows.append(
            BoardRow(
                request=request,
                status=status,
                answer=shown,
                members=sum(1 for n in nominees if n.role == Nominee.Role.MEMBER),
                deputies=sum(1 for n in nominees if n.role == Nominee.Role.DEPUTY),
                names=[
                    n.name + (f" ({deputy})" if n.role == Nominee.Role.DEPUTY else "")
                    for n in nominees
                ],
                versions=sum(1 for a in answers if a.status == NominationAnswer.Status.SUBMITTED),
                delivery=delivered.get(request.organisation_id),
            )
        )
    return rows
