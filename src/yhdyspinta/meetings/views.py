from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from yhdyspinta.accounts.permissions import get_access
from yhdyspinta.accounts.visibility import INTERNAL, Audience
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.bodies.selectors import working
from yhdyspinta.communications.views import delivery_context, resend
from yhdyspinta.core import locking, paging
from yhdyspinta.core.documents import DOCX, file_response
from yhdyspinta.core.files import serve
from yhdyspinta.parties.feeds import person_from_feed_token
from yhdyspinta.web.views import (
    AreaFormMixin,
    AreaMixin,
    LockedPageMixin,
    already_saved,
    claim_form_key,
    form_key,
    form_key_done,
)

from . import documents, ics, selectors, services
from .calendar import unsuitable
from .forms import (
    AgendaItemForm,
    ApprovalForm,
    AttendanceRowForm,
    CorrectionForm,
    GuestForm,
    IdeaFormSet,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    MinutesItemFormSet,
    ThemeGroupForm,
)
from .models import LOCKED_MESSAGE, AgendaItem, Meeting, Minutes, ThemeWorkGroup


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class MeetingList(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bodies = self.area.bodies.filter(working()).order_by("name").values_list("pk", "name")
        form = MeetingFilterForm(self.request.GET or None, bodies=bodies)
        filters = paging.filters_of(form)
        body = filters.pop("body", "")
        filters["body_id"] = int(body) if body else None
        context["filter_form"] = form

        # Two lists, each paged on its own (a year ahead of a busy area is many meetings).
        ahead = paging.page_of(
            self.request,
            selectors.meeting_list(area=self.area, upcoming=True, **filters),
            parameter="ahead",
        )
        context["upcoming"] = ahead["page_rows"]
        context["upcoming_pager"] = ahead
        past = selectors.meeting_list(area=self.area, upcoming=False, **filters)
        context.update(paging.page_of(self.request, past))
        context["past"] = context["page_rows"]
        return context


class _MeetingMixin(AreaMixin):
    """Loads the meeting of the URL inside the area."""

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        try:
            self.meeting = selectors.meeting_detail(area=self.area, pk=kwargs["pk"])
        except Meeting.DoesNotExist as exc:
            raise Http404 from exc
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return self.access.can_manage_meetings(self.meeting.body)

    def back(self):
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class MeetingDetail(_MeetingMixin, generic.TemplateView):
    public_cache = True
    template_name = "meetings/meeting_detail.html"

    def allowed(self) -> bool:
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        context["meeting"] = meeting
        context["can_manage"] = self.access.can_manage_meetings(meeting.body)
        context["attendance"] = selectors.attendance_summary(meeting, self.audience)
        versions = list(meeting.minutes.all())
        context["minutes_versions"] = versions if context["can_view_private"] else []
        context["published"] = selectors.published_minutes(meeting)
        context["attachments_visible"] = bool(context["can_view_private"] or context["published"])
        if context["can_manage"]:
            resend_url = reverse(
                "meetings:meeting_action",
                kwargs={"area": self.area.slug, "pk": meeting.pk, "action": "resend"},
            )
            context.update(delivery_context(meeting, resend_url))
        context["draft"] = next((m for m in versions if m.status == Minutes.Status.DRAFT), None)
        context["approved"] = next(
            (m for m in versions if m.status == Minutes.Status.APPROVED), None
        )
        return context


class MeetingCreate(AreaFormMixin, AreaMixin, generic.CreateView):
    model, form_class = Meeting, MeetingForm

    def dispatch(self, request, *args, **kwargs):
        self.body = get_object_or_404(Body, area__slug=kwargs["area"], pk=kwargs["body"])
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_manage_meetings(self.body)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.body
        return kwargs

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "meeting"), "title": self.body.name}

    def get_cancel_url(self):
        return self.body.get_absolute_url()

    def get_page_title(self):
        return _("New meeting: %(body)s") % {"body": self.body}

    def save(self, form):
        meeting, _told = services.meeting_save(
            access=self.access, body=self.body, values=form.values()
        )
        _warn_if_unsuitable(self.request, meeting)
        return meeting


def _warn_if_unsuitable(request, meeting: Meeting) -> None:
    """A meeting on a public holiday or in holiday time is allowed, with a warning."""
    reason = unsuitable(timezone.localtime(meeting.starts_at).date())
    if reason:
        messages.warning(request, _("Note: %(reason)s") % {"reason": reason})


class MeetingUpdate(_MeetingMixin, AreaFormMixin, generic.UpdateView):
    form_class = MeetingForm

    def get_object(self, queryset=None):
        return self.meeting

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.meeting.body
        return kwargs

    def save(self, form):
        meeting, told = services.meeting_save(
            access=self.access,
            body=self.meeting.body,
            meeting=self.meeting,
            values=form.values(),
            notify=form.cleaned_data.get("notify", True),
        )
        _warn_if_unsuitable(self.request, meeting)
        if told:
            messages.info(
                self.request,
                _("An updated invitation is queued for %(count)s members.") % {"count": told},
            )
        return meeting

    def get_page_title(self):
        return _("Edit meeting: %(meeting)s") % {"meeting": self.meeting}


class MeetingAction(_MeetingMixin, View):
    """POST-only state changes: invite, cancel, mark held, start minutes. Inviting and
    cancelling first show what will be sent and to whom, and ask."""

    def confirm_page(self, action: str):
        reached, skipped = services.invitation_recipients(self.meeting)
        first = self.meeting.status == "planned"
        return render(
            self.request,
            "meetings/confirm_send.html",
            {
                **self.area_context(),
                "meeting": self.meeting,
                "action": action,
                "reached": reached,
                "skipped": skipped,
                "first": first,
                "text": services.invitation_text(self.meeting),
                "cover": self.request.POST.get("cover", ""),
                "agenda_name": services.agenda_filename(self.meeting),
            },
        )

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        meeting = self.meeting
        try:
            if action in ("invite", "cancel") and request.POST.get("confirm") != "yes":
                return self.confirm_page(action)
            if action == "invite":
                count = services.meeting_invite(
                    access=self.access, meeting=meeting, cover=request.POST.get("cover", "")[:4000]
                )
                messages.success(
                    request,
                    _("Invitation queued for %(count)s members; see the delivery report.")
                    % {"count": count},
                )
            elif action == "cancel":
                was_invited = meeting.status == "invited"
                count = services.meeting_cancel(access=self.access, meeting=meeting)
                messages.success(
                    request,
                    _("Meeting cancelled; the notice is queued for %(count)s members.")
                    % {"count": count}
                    if was_invited
                    else _("Meeting cancelled. It had not been invited: nothing was sent."),
                )
            elif action == "resend":
                resend(request, meeting)
            elif action == "previous-agenda":
                count = services.agenda_from_previous(access=self.access, meeting=meeting)
                messages.success(
                    request,
                    _("%(count)s agenda items copied from the previous meeting: edit them.")
                    % {"count": count},
                )
            elif action == "held":
                services.meeting_mark_held(access=self.access, meeting=meeting)
                messages.success(request, _("Marked as held."))
            elif action == "start-minutes":
                minutes = services.minutes_start(access=self.access, meeting=meeting)
                return HttpResponseRedirect(_minutes_url(minutes, "edit"))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return self.back()


class AgendaItemCreate(_MeetingMixin, AreaFormMixin, generic.CreateView):
    model, form_class = AgendaItem, AgendaItemForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("access")
        kwargs["instance"] = AgendaItem(
            meeting=self.meeting, order=self.meeting.agenda_items.count() + 1
        )
        return kwargs

    def save(self, form):
        return services.agenda_item_save(
            access=self.access, meeting=self.meeting, values=form.values()
        )

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def get_cancel_url(self):
        return self.get_success_url()

    def get_page_title(self):
        return _("New agenda item: %(meeting)s") % {"meeting": self.meeting}


class AgendaItemUpdate(AgendaItemCreate):
    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(
            AgendaItem, meeting__body__area__slug=kwargs["area"], pk=kwargs["item"]
        )
        return super().dispatch(
            request,
            *args,
            pk=self.item.meeting_id,
            **{k: v for k, v in kwargs.items() if k not in ("pk",)},
        )

    def get_object(self, queryset=None):
        return self.item

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.item
        return kwargs

    def get_page_title(self):
        return _("Edit agenda item: %(item)s") % {"item": self.item}


class AttendanceView(_MeetingMixin, LockedPageMixin, generic.TemplateView):
    """The attendance sheet: every member with present and capacity, plus guests."""

    template_name = "meetings/attendance.html"

    def lock_values(self):
        Meeting.objects.select_for_update().filter(pk=self.meeting.pk).order_by().first()
        return {
            str(a.person): a.get_capacity_display()
            for a in self.meeting.attendances.select_related("person").order_by("person_id")
        }

    def rows(self, data=None):
        """One row per member. Capacities start from the previous meeting or the person's
        leadership position; a sheet not yet saved may start with everyone present or
        with those present last time (?start=all / ?start=previous), saved only when the
        secretary saves."""
        recorded = {a.person_id: a for a in self.meeting.attendances.all()}
        previous = selectors.previous_attendance(self.meeting)
        start = self.request.GET.get("start", "") if data is None else ""
        rows = []
        for membership in services.meeting_members(self.meeting):
            person = membership.person
            existing = recorded.get(person.pk)
            if existing is not None or start == "all":
                present = True
            elif start == "previous":
                present = person.pk in previous
            else:
                present = False
            form = AttendanceRowForm(
                data,
                prefix=f"m{membership.pk}",
                initial={
                    "present": present,
                    "capacity": existing.capacity
                    if existing
                    else selectors.starting_capacity(person, previous),
                },
            )
            rows.append((membership, form))
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        context.setdefault("rows", self.rows())
        context.setdefault("guest_form", GuestForm(area=self.area, prefix="guest"))
        context["guests"] = [a for a in self.meeting.attendances.all() if a.is_guest]
        context["locked_message"] = LOCKED_MESSAGE
        context["has_previous"] = bool(selectors.previous_attendance(self.meeting))
        context["starting"] = self.request.GET.get("start", "")
        return context

    def post(self, request, *args, **kwargs):
        if "add_guest" in request.POST:
            form = GuestForm(request.POST, area=self.area, prefix="guest")
            if form.is_valid():
                try:
                    services.attendance_record(
                        access=self.access, meeting=self.meeting, **form.cleaned_data
                    )
                    messages.success(request, _("Guest recorded."))
                    return HttpResponseRedirect(request.path)
                except ValidationError as error:
                    form.add_error(None, error)
            messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
            return self.render_to_response(self.get_context_data(guest_form=form))
        rows = self.rows(request.POST)
        if not all(form.is_valid() for _m, form in rows):
            return self.render_to_response(self.get_context_data(rows=rows))
        try:
            with transaction.atomic():
                self.check_unchanged()
                services.attendance_save(
                    access=self.access,
                    meeting=self.meeting,
                    present={
                        m.pk: f.cleaned_data["capacity"]
                        for m, f in rows
                        if f.cleaned_data["present"]
                    },
                )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self.render_to_response(self.get_context_data(rows=rows))
        messages.success(request, _("Attendance saved."))
        return self.back()


def _minutes_url(minutes: Minutes, name: str = "minutes") -> str:
    view = {"minutes": "meetings:minutes", "edit": "meetings:minutes_edit"}[name]
    return reverse(view, kwargs={"area": minutes.meeting.body.area.slug, "pk": minutes.pk})


class _MinutesMixin(AreaMixin):
    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        try:
            self.minutes = selectors.minutes_detail(area=self.area, pk=kwargs["pk"])
        except Minutes.DoesNotExist as exc:
            raise Http404 from exc
        self.meeting = self.minutes.meeting
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return self.access.can_manage_meetings(self.meeting.body)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["minutes"] = self.minutes
        context["meeting"] = self.meeting
        context["attendance"] = selectors.attendance_summary(self.meeting, self.audience)
        context["approval"] = documents.approval_text(self.minutes, self.audience)
        return context


class MinutesDetail(_MinutesMixin, generic.TemplateView):
    """Any version, for users of the area; the public reads PublishedMinutes."""

    logs_people = "view"

    template_name = "meetings/minutes_detail.html"
    private = True

    def allowed(self):
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.access.can_manage_meetings(self.meeting.body)
        context["approval_form"] = kwargs.get("approval_form") or ApprovalForm(minutes=self.minutes)
        context["correction_form"] = kwargs.get("correction_form") or CorrectionForm()
        return context


class PublishedMinutes(_MeetingMixin, generic.TemplateView):
    """The stable public address of a meeting's minutes: only once published."""

    public_cache = True

    template_name = "meetings/minutes_detail.html"

    def allowed(self):
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        minutes = selectors.published_minutes(self.meeting)
        if minutes is None:
            raise Http404
        minutes = selectors.minutes_detail(area=self.area, pk=minutes.pk)
        context.update(
            minutes=minutes,
            meeting=self.meeting,
            public_view=True,
            attendance=selectors.attendance_summary(self.meeting, self.audience),
            approval=documents.approval_text(minutes, self.audience),
        )
        return context


class MinutesEdit(_MinutesMixin, LockedPageMixin, generic.TemplateView):
    template_name = "meetings/minutes_edit.html"

    def lock_values(self):
        minutes = Minutes.objects.select_for_update().order_by().get(pk=self.minutes.pk)
        return locking.row_values(minutes, *minutes.items.order_by("pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", MinutesForm(instance=self.minutes))
        context.setdefault("items", MinutesItemFormSet(instance=self.minutes, prefix="items"))
        return context

    def get(self, request, *args, **kwargs):
        if not self.minutes.is_editable:
            messages.error(
                request,
                _(
                    "Approved minutes cannot be edited. "
                    "Start a correction: it becomes a new version."
                ),
            )
            return HttpResponseRedirect(_minutes_url(self.minutes))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = MinutesForm(request.POST, instance=self.minutes)
        items = MinutesItemFormSet(request.POST, instance=self.minutes, prefix="items")
        try:
            services.ensure_editable(self.minutes)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(_minutes_url(self.minutes))
        if form.is_valid() and items.is_valid():
            try:
                with transaction.atomic():
                    self.check_unchanged()
                    services.minutes_save(
                        access=self.access,
                        minutes=form.save(commit=False),
                        sections=items.save(commit=False),
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(_minutes_url(self.minutes))
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.get_context_data(form=form, items=items))


class ThemeGroupEdit(_MinutesMixin, LockedPageMixin, generic.TemplateView):
    """A theme-work group with its 1-3 ideas; `group` in the URL edits an existing one."""

    template_name = "meetings/theme_group_form.html"

    def lock_values(self):
        group = self.get_group()
        if group.pk is None:
            return {}
        ThemeWorkGroup.objects.select_for_update().filter(pk=group.pk).order_by().first()
        return locking.row_values(group, *group.ideas.order_by("pk"))

    def get_group(self):
        group_id = self.kwargs.get("group")
        if group_id:
            return get_object_or_404(ThemeWorkGroup, minutes=self.minutes, pk=group_id)
        return ThemeWorkGroup(minutes=self.minutes)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.get_group()
        context.setdefault("form", ThemeGroupForm(instance=group))
        if group.pk is None:
            context["form_key"] = form_key(self.request)
        context.setdefault("ideas", IdeaFormSet(instance=group, prefix="ideas"))
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.ensure_editable(self.minutes)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(_minutes_url(self.minutes))
        if repeat := already_saved(request):
            return repeat
        group = self.get_group()
        form = ThemeGroupForm(request.POST, instance=group)
        ideas = IdeaFormSet(request.POST, instance=group, prefix="ideas")
        if form.is_valid() and ideas.is_valid():
            try:
                with transaction.atomic():
                    if group.pk is None and (repeat := claim_form_key(request)):
                        return repeat
                    self.check_unchanged()
                    group = form.save(commit=False)
                    ideas.instance = group
                    services.theme_group_save(
                        access=self.access,
                        group=group,
                        ideas=ideas.save(commit=False),
                        removed_ideas=ideas.deleted_objects,
                    )
                    form_key_done(request, _minutes_url(self.minutes))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(_minutes_url(self.minutes))
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.get_context_data(form=form, ideas=ideas))


class MinutesAction(_MinutesMixin, View):
    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        minutes = self.minutes
        try:
            if action == "approve":
                form = ApprovalForm(request.POST, minutes=minutes)
                if not form.is_valid():
                    raise ValidationError(
                        [str(e) for errors in form.errors.values() for e in errors]
                    )
                approval = form.approval()
                services.minutes_approve(
                    access=self.access,
                    minutes=minutes,
                    method=approval.method,
                    approved_in=approval.approved_in,
                    at=approval.at,
                )
                messages.success(request, _("Minutes approved."))
            elif action == "publish":
                services.minutes_publish(access=self.access, minutes=minutes)
                messages.success(request, _("Minutes published."))
            elif action == "correct":
                form = CorrectionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Say what needs correcting."))
                draft = services.minutes_correct(
                    access=self.access, minutes=minutes, note=form.cleaned_data["note"]
                )
                messages.success(
                    request,
                    _("A correction was started as version %(version)s.")
                    % {"version": draft.version},
                )
                return HttpResponseRedirect(_minutes_url(draft, "edit"))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return HttpResponseRedirect(_minutes_url(minutes))


# --- files --------------------------------------------------------------------------


class AgendaFile(_MeetingMixin, View):
    logs_people = "export"

    def allowed(self):
        return True

    def get(self, request, *args, **kwargs):
        name = f"esityslista-{self.meeting.starts_at:%Y-%m-%d}"
        if kwargs["fmt"] == "pdf":
            return file_response(
                documents.agenda_pdf(self.meeting, self.audience), f"{name}.pdf", "application/pdf"
            )
        return file_response(
            documents.agenda_docx(self.meeting, self.audience), f"{name}.docx", DOCX
        )


class AgendaAttachment(_MeetingMixin, View):
    """An agenda item's attachment: public once the meeting's minutes are published,
    otherwise for users of the area."""

    def allowed(self):
        return self.access.can_view_private(self.area) or (
            selectors.published_minutes(self.meeting) is not None
        )

    def get(self, request, *args, **kwargs):
        item = get_object_or_404(self.meeting.agenda_items, pk=kwargs["item"])
        if not item.attachment:
            raise Http404
        return serve(item.attachment)


class MinutesFile(_MinutesMixin, View):
    """Drafts for users of the area; published minutes for everyone."""

    logs_people = "export"

    def allowed(self):
        published = selectors.published_minutes(self.meeting)
        return (published is not None and published.pk == self.minutes.pk) or (
            self.access.can_view_private(self.area)
        )

    def get(self, request, *args, **kwargs):
        name = f"muistio-{self.meeting.starts_at:%Y-%m-%d}-v{self.minutes.version}"
        if kwargs["fmt"] == "pdf":
            return file_response(
                documents.minutes_pdf(self.minutes, self.audience), f"{name}.pdf", "application/pdf"
            )
        return file_response(
            documents.minutes_docx(self.minutes, self.audience), f"{name}.docx", DOCX
        )


# --- calendar feeds (short, stable URLs: Decidim #9116) ----------------------------

ICS_TYPE = ics.CONTENT_TYPE


def area_feed(request, area):
    area = get_object_or_404(Area, slug=area)
    return ics.feed_response(
        request,
        selectors.feed_meetings(body__area=area, nearest=selectors.AREA_FEED_EVENTS),
        area.name,
        description=selectors.area_feed_description(),
    )


def body_feed(request, area, pk):
    body = get_object_or_404(Body, area__slug=area, pk=pk)
    return ics.feed_response(request, selectors.feed_meetings(body=body), body.name)


def person_feed(request, token):
    """A person's meetings; the unguessable token stands in for a log-in so that
    calendar clients can subscribe."""
    person = person_from_feed_token(token)
    if person is None:
        raise Http404
    # Only the bodies where the person has a seat now.
    today = timezone.localdate()
    body_ids = person.memberships.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today
    ).values_list("body_id", flat=True)
    return ics.feed_response(
        request, selectors.feed_meetings(body_id__in=body_ids), str(person), audience=INTERNAL
    )


def meeting_ics(request, area, pk):
    meeting = get_object_or_404(
        Meeting.objects.select_related("body__area", "convener"), body__area__slug=area, pk=pk
    )
    audience = Audience.of(get_access(request), meeting.body.area)
    return file_response(
        ics.feed([meeting], meeting.title, audience=audience), f"kokous-{meeting.pk}.ics", ICS_TYPE
    )
