"""The front page, the area overview and the area's settings pages."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.csp import CSP
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from yhdyspinta.accounts.visibility import PUBLIC
from yhdyspinta.agreements.selectors import expiry_warnings
from yhdyspinta.areas.forms import (
    CouncilTermForm,
    DeadlinesForm,
    NationalViewForm,
    SubRegionForm,
    ThemeForm,
)
from yhdyspinta.areas.models import Area, CouncilTerm, SubRegion, Theme
from yhdyspinta.clock import selectors as clock_selectors
from yhdyspinta.obligations import engine
from yhdyspinta.web.views import (
    AreaCreateView,
    AreaFormMixin,
    AreaMixin,
    AreaUpdateView,
    year_asked,
)

from . import selectors
from .my_work import TaskGroup, tasks_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class HomeView(generic.TemplateView):
    template_name = "overview/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["areas"] = selectors.area_list()
        return context


class OverviewView(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "overview/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structure"] = selectors.structure_picture(area=self.area)
        context["sub_regions"] = selectors.sub_regions_with_municipalities(area=self.area)
        context["council_terms"] = self.area.council_terms.all()
        context["themes"] = self.area.themes.all()
        if self.access.can_view_private(self.area):
            context["warnings"] = expiry_warnings(area=self.area)
            context["can_manage"] = self.access.can_manage_agreements(self.area)
        return context


class SettingsView(AreaMixin, generic.TemplateView):
    """Sub-regions, themes and council terms on one page."""

    template_name = "overview/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sub_regions"] = self.area.sub_regions.all()
        context["themes"] = self.area.themes.all()
        context["council_terms"] = self.area.council_terms.all()
        return context


class _AreaSettingsEdit(AreaFormMixin, AreaMixin, generic.UpdateView):
    """A form of the area's own settings, for its administrator."""

    back_to = "areas:settings"

    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def get_object(self, queryset=None):
        return self.area


class DeadlinesEdit(_AreaSettingsEdit):
    """The area administrator sets the deadlines My tasks counts from."""

    form_class = DeadlinesForm

    def get_page_title(self) -> str:
        return _("Deadlines of meetings")


class NationalViewEdit(_AreaSettingsEdit):
    """Whether the national view shows the area, and which sites may embed its pages."""

    form_class = NationalViewForm

    def get_page_title(self) -> str:
        return _("The national view and embedded pages")


class _SettingsRowMixin:
    back_to = "areas:settings"


class SubRegionCreate(_SettingsRowMixin, AreaCreateView):
    model, form_class = SubRegion, SubRegionForm

    def get_page_title(self):
        return _("New sub-region")


class SubRegionUpdate(_SettingsRowMixin, AreaUpdateView):
    model, form_class = SubRegion, SubRegionForm


class ThemeCreate(_SettingsRowMixin, AreaCreateView):
    model, form_class = Theme, ThemeForm

    def get_page_title(self):
        return _("New theme")


class ThemeUpdate(_SettingsRowMixin, AreaUpdateView):
    model, form_class = Theme, ThemeForm


class CouncilTermCreate(_SettingsRowMixin, AreaCreateView):
    model, form_class = CouncilTerm, CouncilTermForm

    def get_page_title(self):
        return _("New council term")


class CouncilTermUpdate(_SettingsRowMixin, AreaUpdateView):
    model, form_class = CouncilTerm, CouncilTermForm


class MyTasks(AreaMixin, generic.TemplateView):
    """What waits for this user in the area; where they land after logging in."""

    template_name = "overview/my_tasks.html"
    private = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups: dict[str, TaskGroup] = {}
        for task in sorted(
            tasks_for(self.access, self.area), key=lambda t: (t.due is None, t.due or 0)
        ):
            groups.setdefault(task.group, TaskGroup()).append(task)
        context["groups"] = groups
        return context


# --- pages to embed on another site ----------------------------------------------------


class _Embedded(AreaMixin, generic.TemplateView):
    """A public page without the site's navigation, to be shown in a frame of the sites
    the area lists (Content-Security-Policy frame-ancestors; no other site may frame
    it). What it shows is what the public sees, whoever is logged in."""

    public_cache = True
    title: StrOrPromise = ""
    url_name = ""  # its own address
    full_page = ""  # the page it shows without the site around it
    width, height = 720, 640  # the frame oEmbed gives
    show_year = False

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Set after the public cache (which keeps the content only), on every answer.
        response._csp_config = {
            **settings.SECURE_CSP,
            "frame-ancestors": [CSP.SELF, *self.area.embed_origin_list],
        }
        response.xframe_options_exempt = True
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["widget_title"] = self.title
        context["full_url"] = reverse(self.full_page, kwargs={"area": self.area.slug})
        context["year"] = year_asked(self.request)
        context["show_year"] = self.show_year
        return context


class EmbedStructure(_Embedded):
    template_name = "overview/embed_structure.html"
    title = gettext_lazy("Cooperation structure")
    url_name = "areas:embed_structure"
    full_page = "areas:overview"
    height = 560

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structure"] = selectors.structure_picture(area=self.area)
        return context


class EmbedObligations(_Embedded):
    template_name = "overview/embed_obligations.html"
    title = gettext_lazy("Statutory obligations")
    url_name = "areas:embed_obligations"
    full_page = "obligations:dashboard"
    show_year = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = engine.evaluate(area=self.area, year=context["year"], audience=PUBLIC)
        context["report"] = report
        context["codes"] = report.municipality_codes
        return context


class EmbedClock(_Embedded):
    template_name = "overview/embed_clock.html"
    title = gettext_lazy("Annual clock")
    url_name = "areas:embed_clock"
    full_page = "clock:clock"
    height = 760
    show_year = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(clock_selectors.clock_context(self.area, context["year"], {}))
        return context


def oembed(request):
    """oEmbed (https://oembed.com): for the address of an embeddable page or of the
    full page it shows, the frame to paste on another site."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse(status=501)
    address = urlsplit(request.GET.get("url", ""))
    try:
        match = resolve(address.path)
    except Resolver404:
        raise Http404 from None
    embedded = next((e for e in EMBEDDED if match.view_name in (e.url_name, e.full_page)), None)
    area = Area.objects.filter(slug=match.kwargs.get("area", "")).first()
    if embedded is None or area is None:
        raise Http404
    width = _bounded(request.GET.get("maxwidth"), embedded.width)
    height = _bounded(request.GET.get("maxheight"), embedded.height)
    src = request.build_absolute_uri(reverse(embedded.url_name, kwargs={"area": area.slug}))
    if address.query:
        src += "?" + address.query
    title = f"{area.name}: {embedded.title}"
    frame = (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" '
        f'title="{escape(title)}" loading="lazy" style="border:0;max-width:100%"></iframe>'
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": "Yhdyspinta",
            "provider_url": request.build_absolute_uri("/"),
            "title": title,
            "html": frame,
            "width": width,
            "height": height,
        }
    )


EMBEDDED: list[type[_Embedded]] = [EmbedStructure, EmbedObligations, EmbedClock]


def _bounded(raw: str | None, default: int) -> int:
    return min(default, int(raw)) if raw and raw.isdigit() and int(raw) >= 200 else default
