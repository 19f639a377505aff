from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from yhdyspinta.accounts.visibility import Audience
from yhdyspinta.agreements.models import AgreementVersion
from yhdyspinta.agreements.selectors import is_fully_signed
from yhdyspinta.agreements.services import structure_changes
from yhdyspinta.areas.models import Area
from yhdyspinta.core.documents import DOCX, PDF
from yhdyspinta.web.views import AreaFormMixin, AreaMixin, QueuedDocumentMixin, year_asked

from . import report as reports
from . import selectors, services
from .engine import evaluate
from .forms import PracticeForm
from .models import Practice, Rule


class _YearMixin(AreaMixin):
    request: HttpRequest

    def year(self) -> int:
        return year_asked(self.request)

    def report(self):
        return evaluate(
            area=self.area, year=self.year(), audience=Audience.of(self.access, self.area)
        )


class Dashboard(_YearMixin, generic.TemplateView):
    """Public: anyone may see whether the law was followed, and the evidence."""

    public_cache = True
    template_name = "obligations/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report()
        context["report"] = report
        context["years"] = range(timezone.localdate().year + 1, 2022, -1)
        context["codes"] = report.municipality_codes
        context["ways"] = selectors.ways(self.area)
        context["can_edit_ways"] = self.access.can_edit_area_settings(self.area)
        return context


class ReportFile(QueuedDocumentMixin, _YearMixin, View):
    """The report for the council, made on the worker (web.jobs)."""

    document_task = reports.report_file

    def document(self) -> dict:
        fmt = self.kwargs["fmt"]
        if fmt not in ("pdf", "docx"):
            raise Http404
        year = self.year()
        return {
            "params": {"year": year, "fmt": fmt},
            "title": _("Report for the council %(year)s (%(format)s)")
            % {"year": year, "format": fmt.upper()},
            "filename": f"velvoitteet-{self.area.slug}-{year}.{fmt}",
            "content_type": PDF if fmt == "pdf" else DOCX,
        }


class PracticeEdit(AreaFormMixin, AreaMixin, generic.UpdateView):
    """The area administrator records how the area fulfils one obligation."""

    form_class = PracticeForm
    back_to = "obligations:dashboard"

    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def get_object(self, queryset=None):
        rule = self.kwargs["rule"]
        if rule not in Rule.values:
            raise Http404
        return Practice.objects.filter(area=self.area, rule=rule).first() or Practice(
            area=self.area, rule=rule
        )

    def get_page_title(self) -> str:
        return _("How %(area)s fulfils: %(rule)s") % {
            "area": self.area.name,
            "rule": self.object.get_rule_display(),
        }

    def lock_extra(self, saved):
        """The §7 venues and the §14 mode are saved by this page too: another user's
        change to them is a conflict as well."""
        return {
            str(_("Where the party groups may also take part")): sorted(
                f"{v.group}:{v.body_id}" for v in saved.venues.all()
            )
            if saved.pk
            else [],
            str(self.area._meta.get_field("negotiation_611_mode").verbose_name): Area.objects.get(
                pk=self.area.pk
            ).negotiation_611_mode,
        }

    def save(self, form):
        practice = form.save(commit=False)
        return services.practice_save(
            access=self.access,
            practice=practice,
            bodies=list(form.cleaned_data["bodies"]),
            venues=form.venues(),
            mode=form.cleaned_data.get("mode"),
        )


class ApplyPreview(AreaMixin, generic.TemplateView):
    """Before an agreement version is applied: what it changes in the structure and,
    tried for real and rolled back, which rows of this year's obligations change. The
    administrator then confirms."""

    template_name = "obligations/apply_preview.html"

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.version = get_object_or_404(
            AgreementVersion.objects.select_related("agreement"),
            agreement__area=self.area,
            pk=kwargs["version"],
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return self.access.can_manage_agreements(self.area)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = self.version
        context["agreement"] = self.version.agreement
        context["changes"] = structure_changes(version=self.version)
        context["fully_signed"] = is_fully_signed(self.version)
        context["effect"] = (
            selectors.effect_of_applying(self.version) if context["fully_signed"] else []
        )
        context["year"] = timezone.localdate().year
        return context
