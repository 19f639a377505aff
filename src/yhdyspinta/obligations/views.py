from django.utils import timezone
from django.views import View, generic

from yhdyspinta.accounts.visibility import Audience
from yhdyspinta.documents import DOCX, PDF, file_response
from yhdyspinta.web.views import AreaMixin

from . import report as reports
from .engine import evaluate


class _YearMixin(AreaMixin):
    def year(self) -> int:
        raw = self.request.GET.get("year", "")
        this_year = timezone.localdate().year
        return int(raw) if raw.isdigit() and 2020 <= int(raw) <= this_year + 5 else this_year

    def report(self):
        return evaluate(
            area=self.area, year=self.year(), audience=Audience.of(self.access, self.area)
        )


class Dashboard(_YearMixin, generic.TemplateView):
    """Public: anyone may see whether the law was followed, and the evidence."""

    template_name = "obligations/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report()
        context["report"] = report
        context["years"] = range(timezone.localdate().year + 1, 2022, -1)
        context["codes"] = report.municipality_codes
        context["met_count"] = report.count("met")
        context["risk_count"] = report.count("at_risk")
        context["not_met_count"] = report.count("not_met")
        return context


class ReportFile(_YearMixin, View):
    logs_people = "export"

    def get(self, request, *args, **kwargs):
        report = self.report()
        name = f"velvoitteet-{self.area.slug}-{report.year}"
        if kwargs["fmt"] == "pdf":
            return file_response(reports.as_pdf(report), f"{name}.pdf", PDF)
        return file_response(reports.as_docx(report), f"{name}.docx", DOCX)
