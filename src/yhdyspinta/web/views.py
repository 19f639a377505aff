"""Views shared by every app: area scoping, the permission gate, and generic create /
edit / history pages. Apps subclass these and stay thin."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic
from django_prometheus.exports import ExportToDjangoView

from yhdyspinta.accounts import use_log
from yhdyspinta.accounts.permissions import get_access
from yhdyspinta.accounts.visibility import Audience
from yhdyspinta.areas.models import Area
from yhdyspinta.areas.services import setting_save
from yhdyspinta.core import locking, paging
from yhdyspinta.core.documents import file_response

from . import jobs, public_cache
from .health import check
from .history import history_entries, history_records
from .models import DocumentJob, FormSubmission

# Hidden fields of form.html: a create form's one-time key, an edit form's version.
FORM_KEY = "_form_key"
EDITED_FROM = locking.FIELD

__all__ = [
    "AreaCreateView",
    "AreaFormMixin",
    "AreaMixin",
    "AreaObjectMixin",
    "AreaUpdateView",
    "HistoryView",
    "LockedPageMixin",
    "QueuedDocumentMixin",
    "already_saved",
    "claim_form_key",
    "confirm_close",
    "confirmed",
    "create_once",
    "form_key",
    "form_key_done",
    "opened_on",
]


def health(request) -> JsonResponse:
    """For an operator's monitor: the database, the cache, the task queues and the outbox
    (web.health); 503 with what is wrong when something is."""
    state = check()
    return JsonResponse(state.as_dict(), status=200 if state.ok else 503)


def metrics(request) -> HttpResponse:
    """Prometheus' metrics (django-prometheus), only to a connection from an operator's
    address (METRICS_ADDRESSES); anyone else gets 404, as if there were none."""
    if not use_log.address_in(request.META.get("REMOTE_ADDR", ""), settings.METRICS_ADDRESSES):
        raise Http404
    return ExportToDjangoView(request)


def alive(request) -> HttpResponse:
    """For the proxy: the app answers (no query)."""
    return HttpResponse("ok", content_type="text/plain")


def year_asked(request, *, first: int = 2020, ahead: int = 5) -> int:
    """The year a page is asked for (`?year=`), this year when none or one out of range:
    the obligations page, the national view and the embedded pages read it alike."""
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and first <= int(raw) <= this_year + ahead else this_year


class AreaMixin:
    """Resolves the area from the URL and applies the permission gate.

    `private` pages need a role in the area; `allowed()` is the page's own check. A
    visitor who is not logged in is sent to log in; a logged-in user without the right
    gets 403. Rows of another area are 404: their existence is not revealed."""

    private = False
    # A page the same for every visitor who is not logged in: kept for them between
    # writes (web.public_cache).
    public_cache = False
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
        if self.public_cache and request.method == "GET" and not request.user.is_authenticated:
            return public_cache.page(
                request, lambda: super(AreaMixin, self).dispatch(request, *args, **kwargs)
            )
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
        if getattr(self.request, "public_cache_placeholder", False):
            context["csrf_token"] = public_cache.CSRF_PLACEHOLDER  # each visitor's own
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


class QueuedDocumentMixin:
    """A large document, made on the task worker: the page's button posts here, which
    queues it (once, however often it is clicked) and leads to the job's page. A GET of
    the same address (a bookmark, a shared link) offers the button.

    The view says which task makes it and `document()` gives the task's parameters and
    the file's title, name and type; the permission is the view's own (AreaMixin)."""

    document_task: Any = None  # a task; and `def document(self) -> dict`

    def get(self, request, *args, **kwargs):
        context = {**self.area_context(), "title": self.document()["title"]}
        return render(request, "web/document_request.html", context)

    def post(self, request, *args, **kwargs):
        job = jobs.request_document(
            request,
            area=self.area,
            audience=self.audience,
            task=self.document_task,
            **self.document(),
        )
        return HttpResponseRedirect(
            reverse("web:document", kwargs={"area": self.area.slug, "pk": job.pk})
        )


class DocumentJobPage(AreaMixin, generic.TemplateView):
    """How far a document has come; the file once it is ready. Only its asker sees it."""

    template_name = "web/document_job.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["web/_document_job.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(
            jobs.owned_by(self.request).filter(area=self.area).defer("content"),
            pk=self.kwargs["pk"],
        )
        context["job"] = job
        context["stale"] = jobs.is_stale(job)
        return context


class DocumentJobFile(AreaMixin, generic.View):
    """The finished document, for its asker only, and only while they still may see
    what it shows; fetching one that names people is written to the use log."""

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(
            jobs.owned_by(request).filter(area=self.area, status=DocumentJob.Status.DONE),
            pk=kwargs["pk"],
        )
        if job.sees_people:
            if not self.audience.sees_people:  # the asker's role has ended since
                raise Http404
            use_log.record_people_view(request, self.area, job.title, export=True)
        return file_response(bytes(job.content), job.filename, job.content_type)


class AreaObjectMixin(AreaMixin):
    """Loads the object (inside the area) before the permission check."""

    model: type[Model] | None = None

    def get_queryset(self):
        return self.model.objects.filter(**{self.area_lookup: self.area})

    area_lookup = "area"

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: by field where the form has the field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class AreaFormMixin:
    template_name: str | None = "form.html"
    success_message = ""
    page_title = ""
    # A page of the area that saving and cancelling return to (a URL name taking the
    # area), e.g. the settings page that lists the rows; empty: the saved row's page.
    back_to = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["area"] = self.area
        kwargs["access"] = self.access
        return kwargs

    def save(self, form):
        """The default: a row of the area's settings, through its service (which checks
        the area administrator's permission); a page of any other row names its own
        service. A form with many-to-many fields cannot be saved this way."""
        if form._meta.model._meta.many_to_many:
            raise ImproperlyConfigured(f"{type(self).__name__} must save through a service.")
        return setting_save(access=self.access, row=form.save(commit=False))

    def post(self, request, *args, **kwargs):
        # A repeat of a create form that was saved already: straight to its result, before
        # validation would complain that the first one exists.
        return already_saved(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Save once: a create form's second post (double click, reload) creates nothing
        and leads to the first result; an edit whose row another user changed since the
        form was opened is not saved over it (optimistic locking)."""
        creating = getattr(self, "object", None) is None or self.object.pk is None
        refused = None
        with transaction.atomic():
            if creating and (repeat := claim_form_key(self.request)):
                return repeat
            if not creating and (conflict := self._conflict(form)):
                return conflict
            try:
                self.object = self.save(form)
            except ValidationError as error:
                # The service's own rules: shown on the form, nothing kept (the form's
                # key neither, so the corrected form saves).
                transaction.set_rollback(True)
                refused = error
            else:
                if creating:
                    form_key_done(self.request, self.get_success_url())
        if refused is not None:
            add_errors(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message or _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def _conflict(self, form):
        """Another user saved this row after the form was opened: show what they changed
        and keep what this user typed; nothing is overwritten."""
        saved = (
            type(self.object)
            .objects.select_for_update()
            .filter(pk=self.object.pk)
            .order_by()
            .first()
        )
        if saved is None:
            return None
        values = self._lock_values(saved, form)
        changes = locking.changes_since(self.request.POST.get(EDITED_FROM, ""), values)
        if not changes:
            return None
        form.add_error(None, locking.conflict_error(changes))
        self.conflict_version = locking.fingerprint(values)
        return self.form_invalid(form)

    def _lock_values(self, saved, form) -> dict[str, object]:
        return {**locking.form_values(saved, form), **self.lock_extra(saved)}

    def lock_extra(self, saved) -> Mapping[str, object]:
        """Rows the page edits besides the form's own (a formset's), for the lock."""
        return {}

    def form_invalid(self, form):
        messages.error(self.request, _("Check the fields marked below. Nothing was saved yet."))
        # The heading shows the row as saved: validating the form wrote what was typed
        # into the row's object (the form itself still shows what was typed).
        if getattr(self, "object", None) is not None and self.object.pk:
            self.object.refresh_from_db()
        return super().form_invalid(form)

    def get_success_url(self):
        if self.back_to:
            return reverse(self.back_to, kwargs={"area": self.area.slug})
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.get_page_title()
        context["cancel_url"] = self.get_cancel_url()
        obj = getattr(self, "object", None)
        if obj is None or obj.pk is None:
            context["form_key"] = form_key(self.request)
        else:
            context["edited_from"] = getattr(self, "conflict_version", None) or (
                self.request.POST.get(EDITED_FROM)
                or locking.fingerprint(self._lock_values(obj, context["form"]))
            )
        return context

    def get_page_title(self) -> str:
        return self.page_title

    def get_cancel_url(self) -> str:
        if self.back_to:
            return self.get_success_url()
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk:
            return obj.get_absolute_url()
        return self.area.get_absolute_url()


def form_key(request) -> str:
    """A create form's one-time key (the same one while the form is shown again with
    errors)."""
    return request.POST.get(FORM_KEY) or uuid.uuid4().hex


def already_saved(request) -> HttpResponse | None:
    """The answer to a repeat post of a create form that was saved already: the first
    result. None for a first post."""
    key = request.POST.get(FORM_KEY, "")[:64]
    if not key:
        return None
    first = FormSubmission.objects.filter(key=key).first()
    if first is None:
        return None
    messages.info(request, _("The form had already been sent; it was saved only once."))
    return HttpResponseRedirect(first.redirect_to or request.path)


def claim_form_key(request) -> HttpResponse | None:
    """Inside the creating transaction: claim the form's key, so that of two posts at
    once only one creates. Returns the answer for the loser, None for the winner."""
    key = request.POST.get(FORM_KEY, "")[:64]
    if not key:
        return None
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            FormSubmission.objects.create(key=key, user=user, path=request.path[:500])
    except IntegrityError:
        return already_saved(request)
    return None


def form_key_done(request, redirect_to: str) -> None:
    """Where a repeat of this create form leads: what the first post created."""
    key = request.POST.get(FORM_KEY, "")[:64]
    if key:
        FormSubmission.objects.filter(key=key).update(redirect_to=redirect_to[:500])


def create_once(
    request, create: Callable[[], Any], success_url: Callable[[Any], str], message: str
) -> HttpResponse:
    """A custom create page's save: at most once per form key (a double click or a reload
    leads to what the first post created). A ValidationError from `create` leaves the
    key unclaimed, so the corrected form can be sent again."""
    with transaction.atomic():
        if repeat := claim_form_key(request):
            return repeat
        created = create()
        url = success_url(created)
        form_key_done(request, url)
    messages.success(request, message)
    return HttpResponseRedirect(url)


def confirmed(
    request,
    *,
    context: dict,
    title: str,
    lines: list[str],
    button: str,
    back_url: str,
    items: list[str] | None = None,
) -> HttpResponse | None:
    """An action that cannot be undone asks first: None once the user has said yes,
    else the page that says what will happen (and lists what it concerns)."""
    if request.POST.get("confirm") == "yes":
        return None
    return render(
        request,
        "confirm.html",
        {
            **context,
            "confirm_title": title,
            "confirm_lines": lines,
            "confirm_items": items or [],
            "confirm_button": button,
            "action_url": request.path,
            "back_url": back_url,
        },
    )


def confirm_close(request, *, context: dict, round, effect: str, unanswered: list[str]):
    """Closing a round asks first: what closing does, and who has not answered."""
    lines = [effect]
    if unanswered:
        lines.append(_("These organisations have not answered:"))
    return confirmed(
        request,
        context=context,
        title=_("Close the round: %(round)s") % {"round": round},
        lines=lines,
        items=unanswered,
        button=_("Close the round"),
        back_url=round.get_absolute_url(),
    )


class LockedPageMixin:
    """An edit page that is not one model form (a sheet, a form with its rows): the same
    optimistic locking as AreaFormMixin. `lock_values()` gives the labelled values the
    page edits as saved now, reading the record's row with select_for_update; the page
    calls `check_unchanged()` inside its saving transaction, and shows `edited_from`."""

    def lock_values(self) -> Mapping[str, object]:
        return {}

    def check_unchanged(self) -> None:
        values = self.lock_values()
        try:
            locking.check(self.request.POST.get(EDITED_FROM, ""), values)
        except ValidationError:
            self.fresh_version = locking.fingerprint(values)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edited_from"] = getattr(self, "fresh_version", None) or (
            self.request.POST.get(EDITED_FROM) or opened_on(self.lock_values)
        )
        return context


class AreaCreateView(AreaFormMixin, AreaMixin, generic.CreateView):
    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)


class AreaUpdateView(AreaFormMixin, AreaObjectMixin, generic.UpdateView):
    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def get_page_title(self) -> str:
        return self.page_title or _("Edit: %(name)s") % {"name": self.object}


def opened_on(lock: Callable[[], Mapping[str, object]]) -> str:
    """The fingerprint of what a page shows now (its lock reads rows with
    select_for_update, which needs a transaction even on a plain GET)."""
    with transaction.atomic():
        return locking.fingerprint(lock())


class HistoryView(AreaObjectMixin, generic.DetailView):
    """Who changed what and when, newest first, for any object with HistoricalRecords."""

    private = True
    template_name = "history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        # A page of records (a count and one slice); each entry is compared with the
        # record before it, so a page costs the same however long the history is.
        context.update(paging.page_of(self.request, history_records(self.object).values("pk")))
        page = context["page_obj"]
        context["entries"] = history_entries(
            self.object, limit=paging.PER_PAGE, start=max(page.start_index() - 1, 0)
        )
        return context
