from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from yhdyspinta.areas.models import Area
from yhdyspinta.core.documents import PDF
from yhdyspinta.meetings import ics
from yhdyspinta.meetings.selectors import (
    AREA_FEED_EVENTS,
    area_feed_description,
    feed_meetings,
    feed_since,
)
from yhdyspinta.meetings.services import full_title
from yhdyspinta.web.views import (
    AreaCreateView,
    AreaMixin,
    AreaObjectMixin,
    AreaUpdateView,
    QueuedDocumentMixin,
    confirmed,
    year_asked,
)

from . import documents, selectors, services
from .forms import AreaEventForm
from .models import AreaEvent, ClockEvent


class ClockView(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "clock/clock.html"

    def context(self, meetings=None):
        filters = {
            k: self.request.GET.get(k, "") for k in ("body", "level", "theme", "organisation")
        }
        return selectors.clock_context(self.area, year_asked(self.request), filters, meetings)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The year's meetings once, for the wheel and list and for the conflicts.
        meetings = selectors.year_meetings(self.area, year_asked(self.request))
        context.update(self.context(meetings))
        # A month of the list in whole (?month=): the others name their first meetings.
        raw = self.request.GET.get("month", "")
        context["whole_month"] = int(raw) if raw.isdigit() else 0
        query = self.request.GET.copy()
        query.pop("month", None)
        context["month_query"] = query.urlencode()
        # The administrator builds the year; a body's secretary plans their own bodies.
        context["can_build"] = self.access.is_admin(self.area)
        mine = set(self.access.secretary_bodies(self.area))
        context["can_plan"] = context["can_build"] or bool(mine)
        context["conflicts"] = selectors.conflicts(
            self.area, context["year"], self.audience, meetings, rhythm=context["can_plan"]
        )
        if context["can_plan"]:
            proposals = [
                e
                for e in context["events"]
                if e.status == ClockEvent.Status.PROPOSED
                and (context["can_build"] or e.body_id in mine)
            ]
            context["proposals"] = proposals
            context["proposal_bodies"] = sorted(
                {(e.body_id, e.title) for e in proposals if e.body_id}, key=lambda b: b[1]
            )
            context["proposal_months"] = sorted({e.month for e in proposals})
        return context


class ClockPdf(QueuedDocumentMixin, ClockView):
    """The clock to print (A4 or A3), made on the worker (web.jobs)."""

    public_cache = False

    document_task = documents.clock_file

    def document(self) -> dict:
        context = self.context()
        paper = "A3" if self.request.GET.get("paper") == "A3" else "A4"
        return {
            "params": {"year": context["year"], "filters": context["filters"], "paper": paper},
            "title": _("Annual clock %(year)s (%(paper)s PDF)")
            % {"year": context["year"], "paper": paper},
            "filename": f"vuosikello-{context['year']}-{paper}.pdf",
            "content_type": PDF,
        }


class ClockAction(AreaMixin, View):
    """Generate the year, propose dates, and accept, move or drop a proposal."""

    private = True

    def allowed(self):
        return self.access.is_admin(self.area) or bool(self.access.secretary_bodies(self.area))

    def post(self, request, *args, **kwargs):
        year = year_asked(request)
        action = kwargs["action"]
        if action in ("generate", "propose") and not self.access.is_admin(self.area):
            raise PermissionDenied
        try:
            return self.act(request, action, year)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back(year)

    def planned_by_me(self, year: int):
        """The proposals of the year this user may plan, narrowed to a body or a month."""
        events = ClockEvent.objects.filter(
            area=self.area, year=year, status=ClockEvent.Status.PROPOSED, meeting__isnull=True
        ).select_related("body")
        if not self.access.is_admin(self.area):
            events = events.filter(body_id__in=self.access.secretary_bodies(self.area))
        body, month = self.request.POST.get("body", ""), self.request.POST.get("month", "")
        if body.isdigit():
            events = events.filter(body_id=int(body))
        if month.isdigit():
            events = events.filter(month=int(month))
        return list(events.order_by("day", "title"))

    def act(self, request, action: str, year: int):
        if action == "accept-all":
            events = self.planned_by_me(year)
            if request.POST.get("confirm") != "yes":
                return render(
                    request,
                    "clock/confirm_accept_all.html",
                    {
                        **self.area_context(),
                        "events": events,
                        "year": year,
                        "body": request.POST.get("body", ""),
                        "month": request.POST.get("month", ""),
                    },
                )
            made = services.events_accept_all(access=self.access, events=events)
            messages.success(request, _("%(count)s meetings planned.") % {"count": len(made)})
        elif action == "generate":
            count = services.clock_generate(access=self.access, area=self.area, year=year)
            messages.success(request, _("%(count)s events added to the clock.") % {"count": count})
        elif action == "propose":
            count = services.propose_dates(access=self.access, area=self.area, year=year)
            messages.success(
                request, _("Dates proposed for %(count)s meetings.") % {"count": count}
            )
        elif action in ("accept", "drop"):
            event = get_object_or_404(ClockEvent, area=self.area, pk=request.POST.get("event"))
            if action == "drop":
                services.event_drop(access=self.access, event=event)
                messages.success(request, _("Dropped: %(event)s") % {"event": event.title})
            else:
                raw = request.POST.get("day", "")
                try:
                    day = date.fromisoformat(raw) if raw else event.day
                except ValueError:
                    messages.error(request, _("The date is not valid."))
                    return self.back(year)
                if day is None or day.year != year:
                    messages.error(request, _("Choose a date in %(year)s.") % {"year": year})
                else:
                    meeting = services.event_accept(access=self.access, event=event, day=day)
                    day_text = f"{day.day}.{day.month}.{day.year}"
                    messages.success(
                        request,
                        _("Planned: %(meeting)s")
                        % {"meeting": f"{full_title(meeting)} {day_text}"},
                    )
        else:
            raise Http404
        return self.back(year)

    def back(self, year: int):
        url = reverse("clock:clock", kwargs={"area": self.area.slug})
        return HttpResponseRedirect(f"{url}?year={year}")


def _month_span(year: int, month: int) -> tuple[date, date]:
    """An item known only by its month: the whole month (the end is exclusive)."""
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def clock_feed(request, area):
    """The clock as a calendar: the area's meetings and its own events (letters, forums,
    deadlines) as all-day entries."""
    area = get_object_or_404(Area, slug=area)
    # The area's own events (letters, forums, deadlines: a few dozen a year) over a
    # calendar's usual window; its meetings only the nearest (feed_meetings).
    since = timezone.localdate(feed_since())
    own = (
        ClockEvent.objects.filter(area=area, body__isnull=True, year__gte=since.year)
        .exclude(status=ClockEvent.Status.DROPPED)
        .only("pk", "day", "year", "month", "title", "kind")
    )
    all_day: list[tuple] = []
    for e in own:
        if e.day is None:  # known by its month: the whole month
            first, after = _month_span(e.year, e.month)
            if after > since:
                all_day.append((f"clock-{e.pk}", first, after, e.title, e.get_kind_display()))
        elif e.day >= since:
            all_day.append((f"clock-{e.pk}", e.day, e.title, e.get_kind_display()))
    name = _("Annual clock: %(area)s") % {"area": area.name}
    return ics.feed_response(
        request,
        feed_meetings(body__area=area, nearest=AREA_FEED_EVENTS),
        name,
        all_day,
        description=area_feed_description(),
    )


class AreaEventList(AreaMixin, generic.TemplateView):
    """The area's own recurring events; its administrator adds, changes and removes
    them. Every year's clock gets them when it is built."""

    template_name = "clock/area_events.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.area.area_events.select_related("owner")
        context["can_edit"] = self.access.can_edit_area_settings(self.area)
        return context


class AreaEventCreate(AreaCreateView):
    model, form_class = AreaEvent, AreaEventForm
    back_to = "clock:area_events"

    def get_page_title(self):
        return _("New recurring event")


class AreaEventUpdate(AreaUpdateView):
    model, form_class = AreaEvent, AreaEventForm
    back_to = "clock:area_events"


class AreaEventDelete(AreaObjectMixin, View):
    model = AreaEvent

    def allowed(self) -> bool:
        return self.access.can_edit_area_settings(self.area)

    def post(self, request, *args, **kwargs):
        back = reverse("clock:area_events", kwargs={"area": self.area.slug})
        asked = confirmed(
            request,
            context=self.area_context(),
            title=_("Remove the recurring event?"),
            lines=[
                _(
                    "“%(title)s” is no longer added to the clocks of coming years. The "
                    "clocks already built keep it until you drop it there."
                )
                % {"title": self.object.title}
            ],
            button=_("Remove"),
            back_url=back,
        )
        if asked:
            return asked
        services.area_event_remove(access=self.access, event=self.object)
        messages.success(request, _("Removed."))
        return HttpResponseRedirect(back)
