"""Views shared by every app: area scoping, the permission gate, and generic create /
edit / history pages. Apps subclass these and stay thin."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import generic

from yhdyspinta.accounts import use_log
from yhdyspinta.accounts.permissions import get_access
from yhdyspinta.accounts.visibility import Audience
from yhdyspinta.areas.models import Area

from .history import history_entries
from .models import FormSubmission

# Hidden fields of form.html: a create form's one-time key, an edit form's version.
FORM_KEY = "_form_key"
EDITED_FROM = "_edited_from"

__all__ = [
    "AreaCreateView",
    "AreaFormMixin",
    "AreaMixin",
    "AreaObjectMixin",
    "AreaUpdateView",
    "HistoryView",
    "answer_channel",
    "answer_post",
]


class AreaMixin:
    """Resolves the area from the URL and applies the permission gate.

    `private` pages need a role in the area; `allowed()` is the page's own check. A
    visitor who is not logged in is sent to log in; a logged-in user without the right
    gets 403. Rows of another area are 404: their existence is not revealed."""

    private = False
    # A page or file that shows people's data to the area's users sets "view" or
    # "export": each such GET is written to the use log (accounts.use_log).
    logs_people: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not hasattr(self, "area"):
            self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.access = get_access(request)
        if self.private and not self.access.can_view_private(self.area):
            return self.deny()
        if not self.allowed():
            return self.deny()
        response = super().dispatch(request, *args, **kwargs)
        if (
            self.logs_people
            and request.method == "GET"
            and response.status_code == 200
            and self.audience.sees_people
        ):
            target = getattr(self, "object", None) or getattr(self, "meeting", None) or ""
            use_log.record_people_view(
                request, self.area, str(target), export=self.logs_people == "export"
            )
        return response

    def allowed(self) -> bool:
        return True

    @property
    def audience(self) -> Audience:
        """What this visitor may see of people (accounts.visibility)."""
        return Audience.of(self.access, self.area)

    def deny(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.area_context())
        return context

    def area_context(self) -> dict:
        """What every page of the area needs (the navigation asks it too); also for the
        confirmation pages that a POST renders."""
        return {
            "area": self.area,
            "can_view_private": self.access.can_view_private(self.area),
            "audience": self.audience,
            "is_admin": self.access.is_admin(self.area),
        }


class AreaObjectMixin(AreaMixin):
    """Loads the object (inside the area) before the permission check."""

    model = None

    def get_queryset(self):
        return self.model.objects.filter(**{self.area_lookup: self.area})

    area_lookup = "area"

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object


class AreaFormMixin:
    template_name = "form.html"
    success_message = ""
    page_title = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["area"] = self.area
        kwargs["access"] = self.access
        return kwargs

    def save(self, form):
        return form.save()

    def post(self, request, *args, **kwargs):
        # A repeat of a create form that was saved already: straight to its result, before
        # validation would complain that the first one exists.
        key = request.POST.get(FORM_KEY, "")[:64]
        if key and FormSubmission.objects.filter(key=key).exists():
            return self._already_saved(key)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Save once: a create form's second post (double click, reload) creates nothing
        and leads to the first result; an edit whose row another user changed since the
        form was opened is not saved over it (optimistic locking on `updated_at`)."""
        creating = getattr(self, "object", None) is None or self.object.pk is None
        key = self.request.POST.get(FORM_KEY, "")[:64] if creating else ""
        with transaction.atomic():
            if key:
                try:
                    with transaction.atomic():
                        FormSubmission.objects.create(
                            key=key, user=self._user(), path=self.request.path[:500]
                        )
                except IntegrityError:
                    return self._already_saved(key)
            elif not creating and (conflict := self._conflict(form)):
                return conflict
            self.object = self.save(form)
            if key:
                FormSubmission.objects.filter(key=key).update(
                    redirect_to=self.get_success_url()[:500]
                )
        messages.success(self.request, self.success_message or _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def _user(self):
        return self.request.user if self.request.user.is_authenticated else None

    def _already_saved(self, key: str):
        first = FormSubmission.objects.filter(key=key).first()
        messages.info(self.request, _("The form had already been sent; it was saved only once."))
        return HttpResponseRedirect((first and first.redirect_to) or self.request.path)

    def _conflict(self, form):
        """Another user saved this row after the form was opened: show what is saved now
        and keep what this user typed; nothing is overwritten."""
        opened = self.request.POST.get(EDITED_FROM)
        model = type(self.object)
        if not opened or not hasattr(self.object, "updated_at"):
            return None
        saved = model.objects.select_for_update().filter(pk=self.object.pk).first()
        if saved is None or saved.updated_at.isoformat() == opened:
            return None
        changed = []
        for name, field in form.fields.items():
            if name not in form.cleaned_data or not hasattr(saved, name):
                continue
            try:
                now = field.prepare_value(getattr(saved, name))
            except (AttributeError, ValueError):
                continue
            if str(now) != str(field.prepare_value(form.cleaned_data[name])):
                value = getattr(saved, name)
                changed.append(f"{field.label}: {value if value not in (None, '') else '—'}")
        form.add_error(
            None,
            _(
                "Someone else saved this in the meantime. Nothing of yours was saved and "
                "nothing of theirs was overwritten. Saved now: %(changes)s. Check the fields "
                "and save again to keep your version."
            )
            % {"changes": "; ".join(changed) or _("no visible difference")},
        )
        self.conflict_version = saved.updated_at.isoformat()
        return self.form_invalid(form)

    def form_invalid(self, form):
        messages.error(self.request, _("Check the fields marked below. Nothing was saved yet."))
        return super().form_invalid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.get_page_title()
        context["cancel_url"] = self.get_cancel_url()
        obj = getattr(self, "object", None)
        if obj is None or obj.pk is None:
            # The same key while the form is shown again with errors.
            context["form_key"] = self.request.POST.get(FORM_KEY) or uuid.uuid4().hex
        elif hasattr(obj, "updated_at"):
            context["edited_from"] = getattr(self, "conflict_version", None) or (
                self.request.POST.get(EDITED_FROM) or obj.updated_at.isoformat()
            )
        return context

    def get_page_title(self) -> str:
        return self.page_title

    def get_cancel_url(self) -> str:
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk:
            return obj.get_absolute_url()
        return self.area.get_absolute_url()


class AreaCreateView(AreaFormMixin, AreaMixin, generic.CreateView):
    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)


class AreaUpdateView(AreaFormMixin, AreaObjectMixin, generic.UpdateView):
    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def get_page_title(self) -> str:
        return self.page_title or _("Edit: %(name)s") % {"name": self.object}


def answer_post(
    http_request,
    *,
    valid: bool,
    save: Callable[[bool], object],
    sent_message: str,
    done: Callable[[], HttpResponse] | None = None,
) -> HttpResponse | None:
    """The POST of an answer page (nominations, comments): send or save a draft, say
    what happened, and stay on the page; None re-renders it with the messages."""
    if not valid:
        messages.error(http_request, _("Check the fields marked below. Nothing was saved yet."))
        return None
    submit = "submit" in http_request.POST
    try:
        save(submit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(http_request, message)
        return None
    if not submit:
        messages.success(http_request, _("Draft saved. It has not been sent yet."))
    else:
        messages.success(http_request, sent_message)
        if done is not None:
            return done()
    return HttpResponseRedirect(http_request.path)


def answer_channel(entry_form, *, via_link: bool, channels) -> dict:
    """How an answer arrived: the administrator's entry form says so; otherwise the
    personal link or the app."""
    if entry_form is not None:
        return entry_form.cleaned_data
    return {"channel": channels.LINK if via_link else channels.APP}


class HistoryView(AreaObjectMixin, generic.DetailView):
    """Who changed what and when, newest first, for any object with HistoricalRecords."""

    private = True
    template_name = "history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["entries"] = history_entries(self.object)
        return context
