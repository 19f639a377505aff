import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from openpyxl import Workbook

from yhdyspinta.areas.models import Area
from yhdyspinta.core import charts
from yhdyspinta.core.documents import file_response
from yhdyspinta.core.exports import csv_bytes, workbook_bytes, xlsx_row
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme.models import Indicator as ProgrammeIndicator
from yhdyspinta.programme.models import SotkanetGender
from yhdyspinta.web.views import AreaCreateView, AreaMixin, AreaUpdateView

from . import cockpit, importer, imports, selectors, services, sets, tables
from . import forms as forms_
from .forms import (
    AreaRegionForm,
    BindForm,
    DataSourceForm,
    FollowedIndicatorForm,
    KerroinParametersForm,
)
from .models import (
    ATTRIBUTION,
    DataSource,
    FollowedIndicator,
    ImportRun,
    KerroinParameters,
    OwnSet,
    SotkanetIndicator,
)

GENDER_LABELS = dict(SotkanetGender.choices)
OWN_SET_SALT = "indicators.own-set"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    """Numbers with a decimal comma and text neutralised (exports.csv_bytes), the
    source's attribution as the last line."""
    content = csv_bytes(header, [*rows, [], [_("Source: %(source)s") % {"source": ATTRIBUTION}]])
    return file_response(content, filename, "text/csv; charset=utf-8")


class IndicatorList(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "indicators/indicator_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        followed = FollowedIndicator.objects.filter(area=self.area).select_related(
            "sotkanet", "theme", "source"
        )
        groups: dict = {}
        for item in followed:
            groups.setdefault(item.theme.name if item.theme else _("Other"), []).append(item)
        found = selectors.sotkanet_search(q)
        context.update(q=q, groups=groups, found=found, attribution=ATTRIBUTION)
        return context


class _IndicatorMixin(AreaMixin):
    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(SotkanetIndicator, pk=kwargs["indicator"])
        return super().dispatch(request, *args, **kwargs)


class IndicatorDetail(_IndicatorMixin, generic.TemplateView):
    public_cache = True
    template_name = "indicators/indicator_detail.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv":
            rows = [
                (line.label, year, value, _("computed") if line.computed else "")
                for line in context["lines"]
                for year, value in line.points
            ]
            return _csv(
                f"sotkanet-{self.indicator.pk}.csv", [_("Region"), _("Year"), _("Value"), ""], rows
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipalities = (
            Organisation.objects.filter(
                area=self.area, kind="municipality", sotkanet_regions__isnull=False
            )
            .select_related("sub_region")
            .distinct()
        )
        chosen = self.request.GET.get("municipality", "")
        municipality = next((m for m in municipalities if str(m.pk) == chosen), None) or next(
            iter(municipalities), None
        )
        regions = selectors.area_regions(self.area)
        genders = selectors.genders_of(self.indicator, [r.pk for r in regions]) or ["total"]
        gender = (
            self.request.GET.get("gender")
            if self.request.GET.get("gender") in genders
            else genders[0]
        )
        lines = (
            selectors.indicator_lines(self.indicator, self.area, municipality, gender)
            if municipality
            else []
        )
        context.update(
            indicator=self.indicator,
            municipalities=municipalities,
            municipality=municipality,
            genders=[(g, GENDER_LABELS[g]) for g in genders],
            gender=gender,
            lines=lines,
            chart=charts.line_chart(lines),
            attribution=ATTRIBUTION,
            years=sorted({y for line in lines for y, _v in line.points}),
        )
        context["table"] = [
            (year, [dict(line.points).get(year) for line in lines]) for year in context["years"]
        ]
        return context


class Comparison(_IndicatorMixin, generic.TemplateView):
    public_cache = True
    template_name = "indicators/comparison.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv":
            return _csv(
                f"sotkanet-{self.indicator.pk}-{context['year']}.csv",
                [_("Municipality"), _("Value")],
                context["items"],
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("year", "")
        year, items = selectors.comparison(
            self.indicator, self.area, int(raw) if raw.isdigit() else None
        )
        context.update(
            indicator=self.indicator,
            year=year,
            items=items,
            chart=charts.bar_chart(items),
            attribution=ATTRIBUTION,
        )
        return context


class Profile(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "indicators/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = get_object_or_404(
            Organisation, area=self.area, kind="municipality", pk=self.kwargs["pk"]
        )
        context.update(
            municipality=municipality,
            rows=selectors.municipality_profile(self.area, municipality),
            attribution=ATTRIBUTION,
        )
        return context


class Sources(AreaMixin, generic.TemplateView):
    """The data sources annex of the agreement."""

    template_name = "indicators/sources.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sources"] = (
            DataSource.objects.filter(area=self.area)
            .select_related("decided_by", "decided_in")
            .prefetch_related("indicators__sotkanet", "indicators__theme", "indicators__priority")
        )
        context["municipalities"] = Organisation.objects.filter(
            area=self.area, kind="municipality", sotkanet_regions__isnull=False
        ).distinct()
        return context


class _AnnexEdit:
    """The annex is changed by the area administrator, recording the deciding body."""

    back_to = "indicators:sources"


class DataSourceCreate(_AnnexEdit, AreaCreateView):
    model, form_class = DataSource, DataSourceForm

    def get_page_title(self):
        return _("New data source")


class DataSourceUpdate(_AnnexEdit, AreaUpdateView):
    model, form_class = DataSource, DataSourceForm


class FollowedCreate(_AnnexEdit, AreaCreateView):
    model, form_class = FollowedIndicator, FollowedIndicatorForm

    def get_page_title(self):
        return _("New indicator in the set")


class FollowedUpdate(_AnnexEdit, AreaUpdateView):
    """A followed indicator, and its binding to Sotkanet found by a search over Sotkanet's
    indicator metadata: a result chosen fills in its number."""

    model, form_class = FollowedIndicator, FollowedIndicatorForm
    template_name = "indicators/followed_form.html"

    def get_initial(self):
        initial = super().get_initial()
        if (chosen := self.request.GET.get("sotkanet", "")).isdigit():
            initial["sotkanet"] = int(chosen)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", self.object.name).strip()
        context.update(q=q, found=selectors.sotkanet_search(q, limit=15))
        return context


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=ImportRun.Kind.choices
    )
    file = forms.FileField(label=gettext_lazy("File"))


class _NationalData(AreaMixin):
    """National data: only a superuser imports it (Access.can_import_national_data)."""

    private = True

    def allowed(self):
        return self.access.can_import_national_data()


class Upload(_NationalData, generic.FormView):
    template_name = "indicators/upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        imports.fail_stale_runs()
        context = super().get_context_data(**kwargs)
        context["runs"] = ImportRun.objects.select_related("user")[:20]
        context["max_mb"] = settings.IMPORT_MAX_BYTES // 1024 // 1024
        return context

    def form_valid(self, form):
        try:
            run = imports.queue_import(
                form.cleaned_data["file"], kind=form.cleaned_data["kind"], user=self.request.user
            )
        except importer.ImportProblem as problem:
            form.add_error("file", str(problem))
            return self.form_invalid(form)
        messages.success(
            self.request, _("The file was received; the import runs in the background.")
        )
        return HttpResponseRedirect(
            reverse("indicators:import_run", kwargs={"area": self.area.slug, "pk": run.pk})
        )


class ImportRunView(_NationalData, generic.TemplateView):
    """One import: a progress bar while it waits or runs (the page asks again every
    two seconds), then the final report."""

    template_name = "indicators/import_run.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["indicators/_import_run.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        imports.fail_stale_runs()
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(ImportRun.objects.select_related("user"), pk=self.kwargs["pk"])
        state = imports.progress(run)
        context["run"] = run
        context["read"] = min(state["read"], run.size) if run.size else state["read"]
        context["percent"] = round(100 * context["read"] / run.size) if run.size else 0
        return context


class Kerroin(AreaMixin, generic.TemplateView):
    """The HYTE-kerroin cockpit, public: aggregate statistics only, no person."""

    public_cache = True

    template_name = "indicators/kerroin.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipalities = Organisation.objects.filter(area=self.area, kind="municipality").order_by(
            "name"
        )
        municipality = None
        if "pk" in self.kwargs:
            municipality = get_object_or_404(municipalities, pk=self.kwargs["pk"])
        data = cockpit.cockpit(self.area, municipality)
        context.update(
            municipality=municipality,
            municipalities=municipalities,
            cockpit=data,
            attribution=ATTRIBUTION,
            can_edit=self.access.can_edit_area_settings(self.area),
        )
        return context


class IndicatorSets(AreaMixin, generic.TemplateView):
    """The indicator sets shipped with the app; the administrator follows one in one step."""

    template_name = "indicators/sets.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        following = dict(
            FollowedIndicator.objects.filter(area=self.area)
            .exclude(set_code="")
            .values("set_code")
            .annotate(n=Count("pk"))
            .values_list("set_code", "n")
        )
        context.update(
            indicator_sets=[(s, following.get(s.code, 0)) for s in sets.area_sets(self.area)],
            can_edit=self.access.can_edit_area_settings(self.area),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            added, bound = services.follow_set(
                access=self.access, area=self.area, code=request.POST.get("code", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The area follows the set: %(added)s indicators added, %(bound)s of them bound.")
                % {"added": added, "bound": bound},
            )
        return HttpResponseRedirect(reverse("indicators:sets", kwargs={"area": self.area.slug}))


class KerroinParametersCreate(AreaCreateView):
    model, form_class = KerroinParameters, KerroinParametersForm
    back_to = "indicators:kerroin"

    def get_page_title(self):
        return _("Parameters of the HYTE-kerroin estimate")


class KerroinParametersUpdate(AreaUpdateView):
    model, form_class = KerroinParameters, KerroinParametersForm
    back_to = "indicators:kerroin"


class BindProgrammeIndicator(AreaMixin, generic.FormView):
    """A programme indicator takes its values from Sotkanet: the page says how many typed
    values the imported ones replace before the administrator confirms."""

    template_name = "indicators/bind.html"
    form_class = BindForm

    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.indicator = get_object_or_404(
            ProgrammeIndicator.objects.select_related("goal__priority__programme"),
            pk=kwargs["pk"],
            goal__priority__programme__area=self.area,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "sotkanet": self.indicator.sotkanet_id,
            "gender": self.indicator.sotkanet_gender,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            indicator=self.indicator,
            typed=self.indicator.values.exclude(source=services.SOTKANET).count(),
        )
        return context

    def form_valid(self, form):
        written = services.bind_programme_indicator(
            access=self.access,
            indicator=self.indicator,
            sotkanet=form.cleaned_data["sotkanet"],
            gender=form.cleaned_data["gender"],
        )
        messages.success(
            self.request,
            _("Bound to Sotkanet: %(n)s values from the imported data.") % {"n": written},
        )
        return HttpResponseRedirect(
            reverse(
                "programme:progress",
                kwargs={"area": self.area.slug, "pk": self.indicator.goal.priority.programme_id},
            )
        )


class AreaRegion(AreaMixin, generic.FormView):
    """Which wellbeing services county in the Sotkanet data is this area."""

    template_name = "indicators/area_region.html"
    form_class = AreaRegionForm

    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def get_initial(self):
        return {"region": selectors.county_region(self.area)}

    def form_valid(self, form):
        try:
            services.choose_area_region(
                access=self.access, area=self.area, region=form.cleaned_data["region"]
            )
        except ValidationError as error:
            form.add_error("region", error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(reverse("indicators:kerroin", kwargs={"area": self.area.slug}))


class OwnSetUpload(AreaMixin, generic.View):
    """An indicator set from the area's own file: the list is read, its columns are
    mapped on a preview (guessed from the headers), and the set is saved as a new
    version that the area can follow like the sets shipped with the app."""

    template_name = "indicators/own_set.html"

    def allowed(self):
        return self.access.can_edit_area_settings(self.area)

    def _render(self, **context):
        return render(self.request, self.template_name, {**self.area_context(), **context})

    def get(self, request, *args, **kwargs):
        return self._render(upload=forms_.OwnSetUploadForm())

    def post(self, request, *args, **kwargs):
        if "stored" not in request.POST:
            return self._uploaded()
        try:
            stored = signing.loads(request.POST["stored"], salt=OWN_SET_SALT, max_age=24 * 3600)
            with default_storage.open(stored, "rb") as kept:
                table = tables.read(kept, stored)
        except (signing.BadSignature, OSError, tables.TableError):
            messages.error(request, _("The file is no longer at hand: upload it again."))
            return HttpResponseRedirect(
                reverse("indicators:own_set", kwargs={"area": self.area.slug})
            )
        form = forms_.OwnSetForm(request.POST, header=table.header)
        if not form.is_valid():
            return self._render(form=form, preview=table)
        defaults = {
            k: form.cleaned_data[k] for k in ("unit_default", "good_default", "kind_default")
        }
        rows, problems = services.own_set_rows(
            table, services.SetColumns(**form.columns(), **defaults)
        )
        if problems:
            return self._render(form=form, problems=problems, preview=table)
        data = form.cleaned_data
        try:
            own = services.own_set_save(
                access=self.access,
                area=self.area,
                user=request.user,
                key=data["key"],
                name=data["name"],
                year=data["year"],
                level=data["level"],
                welfare_report=data["welfare_report"],
                rows=rows,
                source=data["filename"],
            )
        except ValidationError as error:
            form.add_error("key" if "key" in getattr(error, "message_dict", {}) else None, error)
            return self._render(form=form, preview=table)
        default_storage.delete(stored)
        messages.success(
            request,
            _(
                "The set %(name)s %(year)s was saved as version %(version)s with %(count)s "
                "indicators."
            )
            % {"name": own.name, "year": own.year, "version": own.version, "count": len(rows)},
        )
        return HttpResponseRedirect(reverse("indicators:sets", kwargs={"area": self.area.slug}))

    def _uploaded(self):
        upload = forms_.OwnSetUploadForm(self.request.POST, self.request.FILES)
        if not upload.is_valid():
            return self._render(upload=upload)
        file = upload.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            upload.add_error("file", _("The file is too large."))
            return self._render(upload=upload)
        try:
            table = tables.read(file, file.name)
        except tables.TableError as error:
            upload.add_error("file", str(error))
            return self._render(upload=upload)
        suffix = ".csv" if file.name.lower().endswith(".csv") else ".xlsx"
        file.seek(0)
        stored = default_storage.save(f"indicator-sets/{uuid.uuid4().hex}{suffix}", file)
        form = forms_.OwnSetForm(
            header=table.header,
            initial={
                "stored": signing.dumps(stored, salt=OWN_SET_SALT),
                "filename": file.name[:255],
                "name": file.name.rsplit(".", 1)[0][:200],
                "key": slugify(file.name.rsplit(".", 1)[0])[:60],
                "year": timezone.localdate().year,
            },
        )
        return self._render(form=form, preview=table)


class OwnSetTemplate(AreaMixin, generic.View):
    """The app's template for a set of the area's own: the columns the mapping guesses."""

    def allowed(self):
        return self.access.can_edit_area_settings(self.area)

    def get(self, request, *args, **kwargs):
        book = Workbook()
        sheet = book.active
        sheet.title = "Indikaattorit"
        xlsx_row(sheet, ["Avain", "Nimi", "Ryhmä", "Sotkanet-id", "Yksikkö", "Suunta", "Laji"])
        xlsx_row(
            sheet, ["esim-1", "Esimerkki-indikaattori", "Hyvinvointi", 289, "%", "ylös", "tulos"]
        )
        return file_response(workbook_bytes(book), "indikaattorijoukko-pohja.xlsx", XLSX_TYPE)


class OwnSetRows(AreaMixin, generic.View):
    """The rows of the area's own set, edited in the app: rows removed and a row added
    make the set's next version (the earlier ones stay as they were)."""

    template_name = "indicators/own_set_rows.html"

    def allowed(self):
        return self.access.can_edit_area_settings(self.area)

    def own(self) -> OwnSet:
        own = (
            OwnSet.objects.filter(area=self.area, key=self.kwargs["key"], year=self.kwargs["year"])
            .order_by("-version")
            .first()
        )
        if own is None:
            raise Http404
        return own

    def _render(self, own: OwnSet, form):
        context = {**self.area_context(), "own": own, "form": form}
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self._render(self.own(), forms_.OwnSetRowForm())

    def post(self, request, *args, **kwargs):
        own = self.own()
        form = forms_.OwnSetRowForm(request.POST)
        if not form.is_valid():
            return self._render(own, form)
        removed = set(request.POST.getlist("remove"))
        rows = [r for r in own.indicators if r["key"] not in removed]
        data = form.cleaned_data
        if data["name"]:
            key = slugify(data["name"])[:80]
            if any(r["key"] == key for r in rows):
                form.add_error("name", _("The set has this indicator already."))
                return self._render(own, form)
            rows.append(
                {
                    "key": key,
                    "name": {"fi": data["name"]},
                    "group": {"fi": data["group"]},
                    "sotkanet_id": data["sotkanet_id"],
                    "unit": data["unit"],
                    "good": data["good"],
                    "kind": data["kind"],
                }
            )
        if rows == own.indicators:
            return HttpResponseRedirect(request.path)
        try:
            saved = services.own_set_save(
                access=self.access,
                area=self.area,
                user=request.user,
                key=own.key,
                name=own.name,
                year=own.year,
                level=own.level,
                welfare_report=own.welfare_report,
                rows=rows,
                source=own.source,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("Saved as version %(version)s with %(count)s indicators.")
            % {"version": saved.version, "count": len(rows)},
        )
        return HttpResponseRedirect(request.path)
