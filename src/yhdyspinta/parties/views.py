from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from yhdyspinta.core import paging
from yhdyspinta.web.views import (
    AreaCreateView,
    AreaFormMixin,
    AreaMixin,
    AreaUpdateView,
    HistoryView,
)

from . import selectors, services
from .feeds import person_feed_token
from .forms import (
    CounterpartPairForm,
    NamedRoleForm,
    OrganisationFilterForm,
    OrganisationForm,
    PersonForm,
)
from .models import CounterpartPair, NamedRole, Organisation, Person

# --- organisations ----------------------------------------------------------------


class OrganisationList(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "parties/organisation_list.html"

    def get_template_names(self):
        # htmx asks only for the table when a filter changes.
        if self.request.headers.get("HX-Request"):
            return ["parties/_organisation_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = OrganisationFilterForm(self.request.GET or None, area=self.area)
        filters = paging.filters_of(form)
        context["filter_form"] = form
        rows = selectors.organisation_list(area=self.area, **filters)
        context.update(paging.page_of(self.request, rows))
        context["organisations"] = selectors.with_body_counts(context["page_rows"])
        return context


class OrganisationDetail(AreaMixin, generic.TemplateView):
    public_cache = True
    logs_people = "view"
    template_name = "parties/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            organisation = selectors.organisation_detail(area=self.area, pk=self.kwargs["pk"])
        except Organisation.DoesNotExist as exc:
            raise Http404 from exc
        context["organisation"] = organisation
        context["can_edit"] = self.access.can_edit_organisation(organisation)
        return context


class OrganisationCreate(AreaCreateView):
    model, form_class = Organisation, OrganisationForm

    def save(self, form):
        return services.organisation_save(access=self.access, organisation=form.save(commit=False))

    def get_page_title(self):
        return _("New organisation")


class OrganisationUpdate(AreaUpdateView):
    model, form_class = Organisation, OrganisationForm

    def save(self, form):
        return services.organisation_save(access=self.access, organisation=form.save(commit=False))

    def allowed(self):
        return self.access.can_edit_organisation(self.object)


class OrganisationHistory(HistoryView):
    model = Organisation


# --- named roles --------------------------------------------------------------------


class _NamedRoleMixin:
    form_class = NamedRoleForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organisation"] = self.organisation
        return kwargs

    def get_success_url(self):
        return self.organisation.get_absolute_url()

    def get_cancel_url(self):
        return self.get_success_url()

    def allowed(self):
        return self.access.can_edit_organisation(self.organisation)

    def save(self, form):
        return services.named_role_save(access=self.access, role=form.save(commit=False))


class NamedRoleCreate(_NamedRoleMixin, AreaFormMixin, AreaMixin, generic.CreateView):
    model = NamedRole

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(
            Organisation, area__slug=kwargs["area"], pk=kwargs["organisation"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("New named role: %(organisation)s") % {"organisation": self.organisation}


class NamedRoleUpdate(_NamedRoleMixin, AreaUpdateView):
    model = NamedRole
    area_lookup = "organisation__area"

    def dispatch(self, request, *args, **kwargs):
        role = get_object_or_404(
            NamedRole, organisation__area__slug=kwargs["area"], pk=kwargs["pk"]
        )
        self.organisation = role.organisation
        return super().dispatch(request, *args, **kwargs)


# --- people -------------------------------------------------------------------------


class PersonList(AreaMixin, generic.TemplateView):
    logs_people = "view"
    private = True
    template_name = "parties/person_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        rows = selectors.person_list(area=self.area, q=context["q"])
        context.update(paging.page_of(self.request, rows))
        context["people"] = context["page_rows"]
        context["can_create"] = self.access.can_create_person(self.area)
        return context


class PersonDetail(AreaMixin, generic.TemplateView):
    logs_people = "view"
    private = True
    template_name = "parties/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            person = selectors.person_detail(area=self.area, pk=self.kwargs["pk"])
        except Person.DoesNotExist as exc:
            raise Http404 from exc
        context["person"] = self.object = person
        context["can_edit"] = self.access.can_edit_person(person)
        # The personal feed's address stands in for a log-in: only its owner sees it.
        context["own"] = person.user_id is not None and person.user_id == self.request.user.pk
        if context["own"] and person.calendar_key != Person.CALENDAR_OFF:
            context["calendar_url"] = self.request.build_absolute_uri(
                reverse("person_feed", kwargs={"token": person_feed_token(person)})
            )
        return context


class PersonCalendarLink(AreaMixin, generic.View):
    """The owner renews their calendar link (the old ones stop working) or turns it off."""

    private = True

    def post(self, request, *args, **kwargs):
        person = get_object_or_404(Person, area=self.area, pk=kwargs["pk"])
        if request.POST.get("action") == "off":
            services.calendar_link_off(user_id=request.user.pk, person=person)
            messages.success(request, _("The calendar link is off: no link given works now."))
        else:
            services.calendar_link_renew(user_id=request.user.pk, person=person)
            messages.success(
                request,
                _("A new calendar link was made: the links given before no longer work."),
            )
        return HttpResponseRedirect(
            reverse("parties:person", kwargs={"area": self.area.slug, "pk": person.pk})
        )


class PersonCreate(AreaCreateView):
    model, form_class = Person, PersonForm

    def save(self, form):
        return services.person_save(access=self.access, person=form.save(commit=False))

    def allowed(self):
        return self.access.can_create_person(self.area)

    def get_initial(self):
        return {"organisation": self.request.GET.get("organisation")}

    def get_page_title(self):
        return _("New person")


class PersonUpdate(AreaUpdateView):
    model, form_class = Person, PersonForm

    def save(self, form):
        return services.person_save(access=self.access, person=form.save(commit=False))

    def allowed(self):
        return self.access.can_edit_person(self.object)


class PersonHistory(HistoryView):
    logs_people = "view"
    model = Person


# --- counterpart pairs -------------------------------------------------------------


class CounterpartList(AreaMixin, generic.TemplateView):
    private = True
    template_name = "parties/counterpart_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pairs"] = selectors.counterpart_pair_list(area=self.area)
        context["can_edit"] = self.access.can_edit_counterparts(self.area)
        return context


class _CounterpartMixin:
    model, form_class = CounterpartPair, CounterpartPairForm
    back_to = "parties:counterparts"

    def save(self, form):
        return services.counterpart_save(access=self.access, pair=form.save(commit=False))


class CounterpartCreate(_CounterpartMixin, AreaCreateView):
    def allowed(self):
        return self.access.can_edit_counterparts(self.area)

    def get_page_title(self):
        return _("New counterpart pair")


class CounterpartUpdate(_CounterpartMixin, AreaUpdateView):
    def allowed(self):
        if self.access.is_admin(self.area):
            return True
        own = self.access.contact_organisations(self.area)
        return self.object.municipality_person.organisation_id in own
