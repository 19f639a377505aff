from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import generic

from yhdyspinta.core import locking, paging
from yhdyspinta.web.views import (
    AreaCreateView,
    AreaFormMixin,
    AreaMixin,
    AreaObjectMixin,
    AreaUpdateView,
    HistoryView,
    already_saved,
    claim_form_key,
    form_key_done,
)

from . import selectors, services
from .forms import BodyFilterForm, BodyForm, MembershipEndForm, MembershipForm, RhythmRuleFormSet
from .models import Body, Membership


class BodyList(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "bodies/body_list.html"

    def get_template_names(self):
        # htmx asks only for the table when a filter changes.
        if self.request.headers.get("HX-Request"):
            return ["bodies/_body_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = BodyFilterForm(self.request.GET or None)
        filters = paging.filters_of(form)
        context["filter_form"] = form
        context.update(paging.page_of(self.request, selectors.body_list(area=self.area, **filters)))
        context["bodies"] = context["page_rows"]
        return context


class BodyDetail(AreaMixin, generic.TemplateView):
    public_cache = True
    logs_people = "view"
    template_name = "bodies/body_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            body = selectors.body_detail(area=self.area, pk=self.kwargs["pk"])
        except Body.DoesNotExist as exc:
            raise Http404 from exc
        members = selectors.members_by_organisation(body)
        context.update(members)
        context["body"] = body
        context["gaps"] = selectors.composition_gaps(body, members["groups"])
        context["crowded"] = selectors.crowded_organisations(body, members["groups"])
        context["no_chair"] = bool(members["groups"]) and not selectors.has_chair(members["groups"])
        context["set_up_by"] = (
            body.agreement_specs.filter(version__applied_at__isnull=False)
            .select_related("version__agreement", "section")
            .order_by("-version__number")
            .first()
        )
        context["can_edit"] = self.access.can_edit_body(body)
        context["can_add_members"] = self.access.can_add_members(body)
        context["editable_organisations"] = (
            None if context["can_edit"] else self.access.contact_organisations(self.area)
        )
        return context


class _BodyFormMixin:
    model, form_class = Body, BodyForm
    template_name = "bodies/body_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("rhythm_formset", self.get_formset())
        return context

    def get_formset(self):
        instance = self.object if getattr(self, "object", None) is not None else Body()
        data = self.request.POST if self.request.method == "POST" else None
        return RhythmRuleFormSet(data, instance=instance, prefix="rhythm")

    def lock_extra(self, saved):
        return locking.row_values(*saved.rhythm_rules.order_by("pk"))

    def post(self, request, *args, **kwargs):
        if repeat := already_saved(request):
            return repeat
        self.object = getattr(self, "object", None)
        form = self.get_form()
        formset = self.get_formset()
        if form.is_valid() and formset.is_valid():
            creating = self.object is None
            with transaction.atomic():
                if creating and (repeat := claim_form_key(request)):
                    return repeat
                if not creating and (conflict := self._conflict(form)):
                    return conflict
                body = form.save(commit=False)
                formset.instance = body
                self.object = services.body_save(
                    access=self.access,
                    body=body,
                    themes=form.cleaned_data["themes"],
                    rules=formset.save(commit=False),
                    removed_rules=formset.deleted_objects,
                )
                if creating:
                    form_key_done(request, self.object.get_absolute_url())
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.get_context_data(form=form, rhythm_formset=formset))


class BodyCreate(_BodyFormMixin, AreaCreateView):
    def get_page_title(self):
        return _("New cooperation body")


class BodyUpdate(_BodyFormMixin, AreaUpdateView):
    def allowed(self):
        return self.access.can_edit_body(self.object)


class BodyHistory(HistoryView):
    model = Body


class _SeatSaveMixin:
    """Seats are saved by the service that checks who may seat whom; a refusal is shown
    on the form, nothing is saved."""

    def save(self, form):
        return services.membership_save(access=self.access, membership=form.instance)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)


class MembershipCreate(_SeatSaveMixin, AreaFormMixin, AreaMixin, generic.CreateView):
    model, form_class = Membership, MembershipForm

    def dispatch(self, request, *args, **kwargs):
        self.body = get_object_or_404(Body, area__slug=kwargs["area"], pk=kwargs["body"])
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_add_members(self.body)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.body
        return kwargs

    def get_initial(self):
        return {"role": self.request.GET.get("role", "member")}

    def get_success_url(self):
        return self.body.get_absolute_url()

    def get_cancel_url(self):
        return self.get_success_url()

    def get_page_title(self):
        return _("New member: %(body)s") % {"body": self.body}


class _MembershipObjectMixin:
    model = Membership
    area_lookup = "body__area"

    def allowed(self):
        return self.access.can_edit_membership(self.object)

    def get_success_url(self):
        return self.object.body.get_absolute_url()

    def get_cancel_url(self):
        return self.get_success_url()


class MembershipUpdate(_SeatSaveMixin, _MembershipObjectMixin, AreaUpdateView):
    form_class = MembershipForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.object.body
        return kwargs


class MembershipEnd(_MembershipObjectMixin, AreaFormMixin, AreaObjectMixin, generic.FormView):
    form_class = MembershipEndForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        del kwargs["area"], kwargs["access"]
        kwargs["membership"] = self.object
        return kwargs

    def save(self, form):
        return services.membership_end(
            access=self.access, membership=self.object, ends_on=form.cleaned_data["ends_on"]
        )

    def get_page_title(self):
        return _("End membership: %(membership)s") % {"membership": self.object}
