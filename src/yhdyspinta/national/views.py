"""The national view: every area's statutory picture of a year on one public page, and
the same numbers as CSV. Everyone sees what the areas' public pages show."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from yhdyspinta.bodies.models import Level
from yhdyspinta.core.documents import file_response, finnish_date
from yhdyspinta.core.exports import csv_bytes
from yhdyspinta.obligations.engine import Report
from yhdyspinta.web import public_cache
from yhdyspinta.web.views import year_asked

from . import selectors


class NationalPage(generic.TemplateView):
    template_name = "national/national.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return public_cache.page(request, lambda: super(NationalPage, self).get(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = year_asked(self.request)
        by = self.request.GET.get("sort", "name")
        by = by if by in selectors.SORTS else "name"
        descending = self.request.GET.get("dir") == "desc"
        found = selectors.sort(selectors.rows(year), by, descending)
        this_year = timezone.localdate().year
        context.update(
            year=year,
            years=range(this_year + 1, 2020, -1),
            rows=found,
            left_out=selectors.left_out(),
            sort=by,
            descending=descending,
            columns=[
                ("name", _("Area")),
                ("negotiation", _("§7 negotiation")),
                ("municipalities", _("§6 municipalities")),
                ("term", _("§14 over the council term")),
                ("bodies", _("Bodies")),
                ("kerroin", _("HYTE-kerroin")),
            ],
            levels=[(value, label) for value, label in Level.choices],
            legend=Report.legend(),
        )
        return context


class NationalCsv(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        year = year_asked(request)
        header = [
            _("Area"),
            _("Wellbeing services county"),
            _("Year"),
            _("§7 negotiation"),
            _("Date of the negotiation"),
            _("Municipalities"),
            _("§6 met"),
            _("Council term"),
            _("§14 judged"),
            _("§14 met"),
            *[str(label) for _value, label in Level.choices],
            _("HYTE-kerroin"),
            _("Rank"),
            _("Of"),
        ]
        body = [
            [
                r.name,
                r.county,
                r.year,
                r.negotiation_label,
                finnish_date(r.negotiation_on) if r.negotiation_on else "",
                r.municipalities,
                r.municipalities_met,
                r.term,
                r.term_judged,
                r.term_met,
                *[count for _level, count in r.bodies_by_level()],
                "" if r.kerroin is None else r.kerroin,
                r.kerroin_rank or "",
                r.kerroin_of or "",
            ]
            for r in selectors.rows(year)
        ]
        return file_response(
            csv_bytes(header, body), f"valtakunnallinen-{year}.csv", "text/csv; charset=utf-8"
        )
