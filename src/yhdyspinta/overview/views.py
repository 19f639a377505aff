"""The front page, the area overview and the area's settings pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views import generic

from yhdyspinta.agreements.selectors import expiry_warnings
from yhdyspinta.areas.forms import (
    CouncilTermForm,
    DeadlinesForm,
    NationalViewForm,
    SubRegionForm,
    ThemeForm,
)
from yhdyspinta.areas.models import CouncilTerm, SubRegion, Theme
from yhdyspinta.web.views import AreaCreateView, AreaFormMixin, AreaMixin, AreaUpdateView

from . import selectors
from .my_work import TaskGroup, tasks_for


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


class DeadlinesEdit(AreaFormMixin, AreaMixin, generic.UpdateView):
    """The area administrator sets the deadlines My tasks counts from."""

    form_class = DeadlinesForm
    back_to = "areas:settings"

    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def get_object(self, queryset=None):
        return self.area

    def get_page_title(self) -> str:
        return _("Deadlines of meetings")


class NationalViewEdit(DeadlinesEdit):
    """The area administrator chooses whether the national view shows the area."""

    form_class = NationalViewForm  # type: ignore[assignment]

    def get_page_title(self) -> str:
        return _("The national view")


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
