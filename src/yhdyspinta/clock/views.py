from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from yhdyspinta.areas.views import AreaMixin
from yhdyspinta.bodies.models import Level
from yhdyspinta.documents import PDF, file_response, pdf_from_template

from . import selectors, services
from .models import ClockEvent


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2020 <= int(raw) <= 2040 else timezone.localdate().year


class ClockView(AreaMixin, generic.TemplateView):
    template_name = "clock/clock.html"

    def context(self):
        year = _year(self.request)
        filters = {
            k: self.request.GET.get(k, "") for k in ("body", "level", "theme", "organisation")
        }
        event_list = list(selectors.events(self.area, year, **filters))
        return {
            "year": year,
            "filters": filters,
            "events": event_list,
            "wheel": selectors.wheel(self.area, year, event_list),
            "months": selectors.by_month(event_list),
            "bodies": self.area.bodies.filter(ended_on__isnull=True).order_by("name"),
            "levels": Level.choices,
            "themes": self.area.themes.all(),
            "organisations": self.area.organisations.order_by("name"),
            "years": range(timezone.localdate().year - 1, timezone.localdate().year + 4),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.context())
        context["conflicts"] = selectors.conflicts(self.area, context["year"])
        context["can_plan"] = self.access.is_admin(self.area)
        return context


class ClockPdf(ClockView):
    def get(self, request, *args, **kwargs):
        context = {
            **self.context(),
            "area": self.area,
            "title": _("Annual clock %(year)s") % {"year": _year(request)},
            "organisation": self.area.name,
            "kind": _("Annual clock"),
            "day": timezone.localdate(),
            "paper": "A3" if request.GET.get("paper") == "A3" else "A4",
        }
        return file_response(
            pdf_from_template("clock/clock_document.html", context),
            f"vuosikello-{context['year']}.pdf",
            PDF,
        )


class ClockAction(AreaMixin, View):
    """Generate the year, propose dates, and accept, move or drop a proposal."""

    private = True

    def allowed(self):
        return self.access.is_admin(self.area)

    def post(self, request, *args, **kwargs):
        year = _year(request)
        action = kwargs["action"]
        if action == "generate":
            count = services.clock_generate(area=self.area, year=year)
            messages.success(request, _("%(count)s events added to the clock.") % {"count": count})
        elif action == "propose":
            count = services.propose_dates(area=self.area, year=year)
            messages.success(
                request, _("Dates proposed for %(count)s meetings.") % {"count": count}
            )
        elif action in ("accept", "drop"):
            event = get_object_or_404(ClockEvent, area=self.area, pk=request.POST.get("event"))
            if action == "drop":
                services.event_drop(event=event)
                messages.success(request, _("Dropped: %(event)s") % {"event": event.title})
            else:
                raw = request.POST.get("day", "")
                try:
                    day = date.fromisoformat(raw) if raw else event.day
                except ValueError:
                    messages.error(request, _("The date is not valid."))
                    return HttpResponseRedirect(f"{request.path.rsplit('do/', 1)[0]}?year={year}")
                if day is None or day.year != year:
                    messages.error(request, _("Choose a date in %(year)s.") % {"year": year})
                else:
                    meeting = services.event_accept(event=event, day=day)
                    messages.success(request, _("Planned: %(meeting)s") % {"meeting": meeting})
        else:
            raise Http404
        return HttpResponseRedirect(f"{request.path.rsplit('do/', 1)[0]}?year={year}")


def clock_feed(request, area):
    """The clock as a calendar: the area's meetings and its own events (letters, forums,
    deadlines) as all-day entries."""
    from icalendar import Event

    from yhdyspinta.areas.models import Area
    from yhdyspinta.meetings import ics
    from yhdyspinta.meetings.models import Meeting, MeetingStatus

    area = get_object_or_404(Area, slug=area)
    calendar = ics._calendar("PUBLISH", _("Annual clock: %(area)s") % {"area": area.name})
    for meeting in (
        Meeting.objects.filter(body__area=area)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("body__area", "convener")
    ):
        calendar.add_component(ics.meeting_event(meeting))
    for event in ClockEvent.objects.filter(area=area, body__isnull=True).exclude(
        status=ClockEvent.Status.DROPPED
    ):
        entry = Event()
        entry.add("uid", f"clock-{event.pk}@yhdyspinta")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", event.day or date(event.year, event.month, 1))
        entry.add("summary", event.title)
        entry.add("categories", [event.get_kind_display()])
        calendar.add_component(entry)
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
