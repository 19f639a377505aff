from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from yhdyspinta.areas.models import CouncilTerm
from yhdyspinta.core import locking
from yhdyspinta.core.documents import DOCX, PDF
from yhdyspinta.parties.models import Organisation
from yhdyspinta.web.views import AreaMixin, QueuedDocumentMixin

from . import content, documents, services
from .models import ReportKind, Section


class _ReportMixin(AreaMixin):
    """Which report: the kind, the year (for a council term its first year) and the
    municipality, or the area's own (GET parameters). Drafts are for the area's users."""

    private = True

    def choose(self):
        request = self.request
        self.kind = request.GET.get("kind", ReportKind.ANNUAL)
        if self.kind not in ReportKind.values:
            raise Http404
        self.terms = list(CouncilTerm.objects.filter(area=self.area).order_by("-starts_on"))
        raw_year = request.GET.get("year", "")
        self.year = int(raw_year) if raw_year.isdigit() else timezone.localdate().year - 1
        if self.kind == ReportKind.TERM:
            starts = [term.starts_on.year for term in self.terms]
            if not starts:  # no council term recorded: the annual report is what there is
                self.kind = ReportKind.ANNUAL
            elif self.year not in starts:
                self.year = starts[0]  # the latest term
        self.municipalities = list(
            Organisation.objects.filter(area=self.area, kind="municipality").order_by("name")
        )
        raw = request.GET.get("organisation", "")
        self.organisation = (
            get_object_or_404(Organisation, area=self.area, kind="municipality", pk=raw)
            if raw.isdigit()
            else None
        )

    def sections(self) -> list[str]:
        keys = [s.value for s in Section]
        return keys if self.kind == ReportKind.TERM else [k for k in keys if k != Section.PLAN]

    def query(self) -> str:
        organisation = f"&organisation={self.organisation.pk}" if self.organisation else ""
        return f"?kind={self.kind}&year={self.year}{organisation}"


class Reports(_ReportMixin, generic.TemplateView):
    """The report from the data, as it would be printed, with a text box for each part
    that the coordinator writes; the DOCX and PDF are made on the worker."""

    template_name = "reports/reports.html"

    def get(self, request, *args, **kwargs):
        self.choose()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, texts=None, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report = content.build(
            self.area, self.kind, self.year, self.organisation, audience=self.audience
        )
        saved = content.texts(self.area, self.organisation, self.kind, self.year)
        shown = texts if texts is not None else saved
        context.update(
            report=report,
            kinds=ReportKind.choices,
            kind=self.kind,
            year=self.year,
            years=range(timezone.localdate().year, 2019, -1),
            terms=self.terms,
            municipalities=self.municipalities,
            organisation=self.organisation,
            query=self.query(),
            can_write=services.can_write(self.access, self.area, self.organisation),
            boxes=[(key, Section(key).label, shown.get(key, "")) for key in self.sections()],
            edited_from=locking.fingerprint(services.lock_values(saved, self.sections())),
            errors=errors or [],
        )
        return context

    def post(self, request, *args, **kwargs):
        self.choose()
        # Whose report, and who writes: what both of the page's writes are given.
        which = {
            "access": self.access,
            "user": request.user,
            "area": self.area,
            "organisation": self.organisation,
            "kind": self.kind,
            "year": self.year,
        }
        if request.POST.get("approve"):
            approved = services.approve_texts(**which)
            messages.success(request, _("%(n)s texts approved.") % {"n": approved})
            return HttpResponseRedirect(request.path + self.query())
        texts = {key: request.POST.get(f"text-{key}", "").strip() for key in self.sections()}
        try:
            changed = services.save_texts(
                **which, texts=texts, token=request.POST.get(locking.FIELD, "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data(texts=texts))
        messages.success(request, _("Saved: %(n)s parts changed.") % {"n": changed})
        return HttpResponseRedirect(request.path + self.query())


class ReportFile(QueuedDocumentMixin, _ReportMixin, generic.View):
    document_task = documents.report_file

    def document(self) -> dict:
        self.choose()
        fmt = self.kwargs["fmt"]
        if fmt not in ("pdf", "docx"):
            raise Http404
        subject = self.organisation.name if self.organisation else self.area.name
        label = ReportKind(self.kind).label
        suffix = f"-{self.organisation.pk}" if self.organisation else ""
        return {
            "params": {
                "kind": self.kind,
                "year": self.year,
                "organisation": self.organisation.pk if self.organisation else None,
                "fmt": fmt,
            },
            "title": f"{label} {self.year}: {subject} ({fmt.upper()})",
            "filename": f"hyvinvointikertomus-{self.kind}-{self.year}{suffix}.{fmt}",
            "content_type": PDF if fmt == "pdf" else DOCX,
        }
