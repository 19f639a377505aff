"""The programme tree (priorities → goals → measures and indicators) and, with a token,
a measure's follow-up report."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field

from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme import services as programme_services
from yhdyspinta.programme.models import Goal, Measure, MeasureReport, Priority, Programme

from .. import problems
from ..common import area_or_404, kept_for_public
from ..problems import Problem
from ..writing import refused, writer

router = Router()


class MeasureOut(Schema):
    id: int
    name: str
    lead: int | None
    lead_name: str
    starts_year: int
    ends_year: int
    target_indicator: int | None


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    sotkanet_id: int | None


class GoalOut(Schema):
    id: int
    name: str
    measures: list[MeasureOut]
    indicators: list[IndicatorOut]


class PriorityOut(Schema):
    id: int
    name: str
    goals: list[GoalOut]


class ProgrammeOut(Schema):
    id: int
    name: str
    starts_year: int
    ends_year: int
    priorities: list[PriorityOut]


@router.get("/areas/{area}/programmes", response=list[ProgrammeOut], tags=["programme"])
@kept_for_public
def programmes(request: HttpRequest, area: str) -> list[dict[str, Any]]:
    """The programme tree: priorities → goals → measures and indicators."""
    measures = Measure.objects.select_related("lead").order_by("order", "pk")
    goals = Goal.objects.order_by("order", "pk").prefetch_related(
        Prefetch("measures", queryset=measures), "indicators"
    )
    priorities = Priority.objects.order_by("order", "pk").prefetch_related(
        Prefetch("goals", queryset=goals)
    )
    rows = Programme.objects.filter(area=area_or_404(area)).prefetch_related(
        Prefetch("priorities", queryset=priorities)
    )
    return [
        {
            "id": p.pk,
            "name": p.name,
            "starts_year": p.starts_year,
            "ends_year": p.ends_year,
            "priorities": [
                {
                    "id": pr.pk,
                    "name": pr.name,
                    "goals": [
                        {
                            "id": g.pk,
                            "name": g.name,
                            "measures": [
                                {
                                    "id": m.pk,
                                    "name": m.name,
                                    "lead": m.lead_id,
                                    "lead_name": m.lead.name if m.lead else "",
                                    "starts_year": m.starts_year,
                                    "ends_year": m.ends_year,
                                    "target_indicator": m.target_indicator_id,
                                }
                                for m in g.measures.all()
                            ],
                            "indicators": [
                                IndicatorOut.from_orm(i).dict() for i in g.indicators.all()
                            ],
                        }
                        for g in pr.goals.all()
                    ],
                }
                for pr in p.priorities.all()
            ],
        }
        for p in rows
    ]


class ReportIn(Schema):
    organisation: int
    year: int = Field(ge=2000, le=2100)
    status: str
    account: str = ""
    based_on_version: int = Field(
        0, ge=0, description="The latest version you have read (0: none yet)."
    )


class ReportOut(Schema):
    measure: int
    organisation: int
    year: int
    version: int
    status: str
    account: str


@router.post(
    "/areas/{area}/measures/{measure_id}/reports",
    response={201: ReportOut, 200: ReportOut},
    tags=["writes"],
    summary="Report a measure's follow-up for a year",
)
def measure_report(request: HttpRequest, area: str, measure_id: int, data: ReportIn) -> Status:
    """The organisation's status and account for the measure and year, as on the
    follow-up page; every report is a new version, and one made on a version that is no
    longer the latest is refused (412)."""
    the_area = area_or_404(area)
    caller = writer(request, the_area)
    measure = (
        Measure.objects.filter(goal__priority__programme__area=the_area, pk=measure_id)
        .select_related("goal__priority__programme")
        .first()
    )
    organisation = Organisation.objects.filter(area=the_area, pk=data.organisation).first()
    if measure is None or organisation is None:
        raise problems.not_found()
    if not caller.access.can_edit_organisation(organisation):
        raise PermissionDenied
    if not data.status:
        raise refused(ValidationError({"status": _("Choose the status.")}))
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        latest = (
            MeasureReport.objects.filter(measure=measure, organisation=organisation, year=data.year)
            .order_by("-version")
            .first()
        )
        if (latest.version if latest else 0) != data.based_on_version:
            raise Problem(
                412,
                _("Precondition failed"),
                _("Someone else reported on this measure since you read it: read it again."),
            )
        try:
            saved = programme_services.measure_report_save(
                access=caller.access,
                measure=measure,
                organisation=organisation,
                year=data.year,
                user=caller.user,
                status=data.status,
                account=data.account,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise refused(error) from error
            raise Problem(400, _("Bad request"), " ".join(error.messages)) from error
    body = {
        "measure": measure.pk,
        "organisation": organisation.pk,
        "year": saved.year,
        "version": saved.version,
        "status": saved.status,
        "account": saved.account,
    }
    return Status(201 if latest is None or saved.pk != latest.pk else 200, body)
