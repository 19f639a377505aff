from abc import abstractmethod

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import generic

from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.communications.views import delivery_context, resend
from yhdyspinta.consultations.models import Request, Round
from yhdyspinta.consultations.selectors import reach
from yhdyspinta.consultations.views import AnswerPage, ByLink, LetterView, unreached
from yhdyspinta.core import locking
from yhdyspinta.core.documents import DOCX, PDF
from yhdyspinta.meetings.models import ThemeWorkIdea
from yhdyspinta.parties.models import Organisation
from yhdyspinta.web.views import (
    AreaMixin,
    LockedPageMixin,
    QueuedDocumentMixin,
    already_saved,
    confirmed,
    create_once,
    form_key,
)

from . import documents, report, selectors, services
from .forms import FollowUpForm, IndicatorValueForm, MeasureForm, MeasureReportForm, PromoteForm
from .models import FollowUpRound, Measure, MeasureReport, Programme


def _year(request, programme: Programme) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in programme.years:
        return int(raw)
    this_year = timezone.localdate().year
    return min(max(this_year, programme.starts_year), programme.ends_year)


class ProgrammeList(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "programme/programme_list.html"

    def get(self, request, *args, **kwargs):
        programmes = list(self.area.programmes.all())
        if len(programmes) == 1:
            return HttpResponseRedirect(programmes[0].get_absolute_url())
        return self.render_to_response(self.get_context_data(programmes=programmes))


class _ProgrammeMixin(AreaMixin):
    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.programme = get_object_or_404(Programme, area=self.area, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme"] = self.programme
        return context


class ProgrammeDetail(_ProgrammeMixin, generic.TemplateView):
    public_cache = True
    template_name = "programme/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "").strip()[:200]
        context["tree"] = selectors.programme_tree(self.programme, q=context["q"])
        context["approvals"] = self.programme.approvals.select_related("organisation")
        context["follow_ups"] = self.programme.follow_ups.filter(status="open")
        context["all_follow_ups"] = self.programme.follow_ups.all()
        context["is_admin"] = self.access.is_admin(self.area)
        context["terms"] = self.area.council_terms.filter(kind=CouncilTerm.Kind.JOINT)
        context["own_organisations"] = Organisation.objects.filter(
            pk__in=self.access.contact_organisations(self.area)
        )
        return context


class ProgressView(_ProgrammeMixin, generic.TemplateView):
    public_cache = True
    template_name = "programme/progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request, self.programme)
        municipality = None
        raw = self.request.GET.get("municipality", "")
        if raw.isdigit():
            municipality = Organisation.objects.filter(
                area=self.area, pk=raw, kind="municipality"
            ).first()
        context.update(
            year=year,
            progress=selectors.progress(self.programme, year),
            charts=selectors.indicator_charts(self.programme, municipality),
            municipality=municipality,
            municipalities=Organisation.objects.filter(area=self.area, kind="municipality"),
            statuses=[*selectors.STATUSES, "late"],
        )
        return context


class MeasureDetail(AreaMixin, generic.TemplateView):
    public_cache = True
    template_name = "programme/measure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = get_object_or_404(
            Measure.objects.select_related(
                "goal__priority__programme",
                "lead",
                "target_indicator",
                "source_idea__group__minutes__meeting",
            ).prefetch_related("participants", "themes", "sub_regions"),
            goal__priority__programme__area=self.area,
            pk=self.kwargs["pk"],
        )
        context["measure"] = measure
        context["programme"] = measure.goal.priority.programme
        context["reports"] = measure.reports.select_related("organisation").order_by(
            "-year", "organisation__name", "-version"
        )
        context["is_admin"] = self.access.is_admin(self.area)
        return context


class _AdminFormMixin(_ProgrammeMixin):
    template_name = "form.html"
    private = True

    def allowed(self):
        return self.access.is_admin(self.area)

    def context(self, form, title):
        return {
            **self.get_context_data(),
            "form_key": form_key(self.request),
            "form": form,
            "page_title": title,
            "cancel_url": self.programme.get_absolute_url(),
        }


class MeasureEdit(_AdminFormMixin, LockedPageMixin, generic.TemplateView):
    def lock_values(self):
        if "measure" not in self.kwargs:
            return {}
        measure = (
            Measure.objects.select_for_update().filter(pk=self.kwargs["measure"]).order_by().first()
        )
        return locking.row_values(measure) if measure else {}

    def get_instance(self):
        if "measure" in self.kwargs:
            return get_object_or_404(
                Measure, goal__priority__programme=self.programme, pk=self.kwargs["measure"]
            )
        return Measure(starts_year=self.programme.starts_year, ends_year=self.programme.ends_year)

    def get(self, request, *args, **kwargs):
        # A new measure may come with its goal chosen; an edited one keeps its own.
        initial = {"goal": request.GET["goal"]} if request.GET.get("goal") else {}
        form = MeasureForm(instance=self.get_instance(), programme=self.programme, initial=initial)
        return self.render_to_response(self.context(form, self.title()))

    def title(self):
        return _("Edit measure") if "measure" in self.kwargs else _("New measure")

    def post(self, request, *args, **kwargs):
        if repeat := already_saved(request):
            return repeat
        form = MeasureForm(request.POST, instance=self.get_instance(), programme=self.programme)
        if form.is_valid():

            def save() -> Measure:
                return services.measure_save(
                    access=self.access,
                    measure=form.save(commit=False),
                    participants=form.cleaned_data["participants"],
                    themes=form.cleaned_data["themes"],
                    sub_regions=form.cleaned_data["sub_regions"],
                )

            try:
                if form.instance.pk is None:
                    return create_once(request, save, lambda m: m.get_absolute_url(), _("Saved."))
                with transaction.atomic():
                    self.check_unchanged()
                    measure = save()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(measure.get_absolute_url())
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.context(form, self.title()))


class IndicatorValueCreate(_AdminFormMixin, generic.TemplateView):
    def get(self, request, *args, **kwargs):
        form = IndicatorValueForm(
            programme=self.programme, initial={"indicator": request.GET.get("indicator")}
        )
        return self.render_to_response(self.context(form, _("New indicator value")))

    def post(self, request, *args, **kwargs):
        form = IndicatorValueForm(request.POST, programme=self.programme)
        if form.is_valid():
            try:
                services.indicator_value_save(access=self.access, value=form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(
                    reverse(
                        "programme:progress",
                        kwargs={"area": self.area.slug, "pk": self.programme.pk},
                    )
                )
        messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
        return self.render_to_response(self.context(form, _("New indicator value")))


class FollowUpOpen(_AdminFormMixin, generic.TemplateView):
    def get(self, request, *args, **kwargs):
        form = FollowUpForm(initial={"year": _year(request, self.programme)})
        return self.render_to_response(self.context(form, _("Open the yearly follow-up")))

    def post(self, request, *args, **kwargs):
        if repeat := already_saved(request):
            return repeat
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                return create_once(
                    request,
                    lambda: services.follow_up_open(
                        access=self.access, programme=self.programme, **form.cleaned_data
                    ),
                    lambda _round: self.programme.get_absolute_url(),
                    _("The follow-up is open and the organisations were told."),
                )
            except ValidationError as error:
                form.add_error(None, error)
        return self.render_to_response(self.context(form, _("Open the yearly follow-up")))


class _FollowUpMixin(_ProgrammeMixin):
    private = True

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.round = get_object_or_404(
            FollowUpRound, programme__area=self.area, programme=kwargs["pk"], year=kwargs["year"]
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.is_admin(self.area)


class FollowUpDetail(_FollowUpMixin, generic.TemplateView):
    """The year's follow-up: who has reported, the delivery report of its e-mails, and
    the actions (remind, resend, close)."""

    template_name = "programme/follow_up.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.round
        context["board"] = selectors.follow_up_board(self.round)
        context["reach"] = reach(row.request for row in context["board"] if row.request)
        context["letters_url"] = reverse(
            "programme:unreached_letters",
            kwargs={
                "area": self.area.slug,
                "pk": self.programme.pk,
                "year": self.round.year,
                "fmt": "pdf",
            },
        )
        context["can_add_address"] = self.access.is_admin(self.area)
        resend_url = reverse(
            "programme:follow_up_action",
            kwargs={
                "area": self.area.slug,
                "pk": self.programme.pk,
                "year": self.round.year,
                "action": "resend",
            },
        )
        context.update(delivery_context(self.round, resend_url))
        return context


class FollowUpLetter(_FollowUpMixin, LetterView):
    """An organisation's follow-up request letter, to print or post (PDF, DOCX)."""

    def dispatch(self, request, *args, **kwargs):
        self.request_row = get_object_or_404(
            Request.objects.select_related("organisation"),
            consultation__area__slug=kwargs["area"],
            consultation__kind=Round.Kind.FOLLOW_UP,
            consultation__follow_up__programme=kwargs["pk"],
            consultation__follow_up__year=kwargs["year"],
            organisation=kwargs["organisation"],
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_edit_organisation(self.request_row.organisation)

    def letters(self):
        return [documents.letter(self.round, self.request_row)]


class UnreachedLetters(_FollowUpMixin, LetterView):
    """The letters of the organisations that e-mail does not reach, to post."""

    def letters(self):
        self.batch_name = f"seurantapyynnot-{self.round.year}"
        requests = Request.objects.filter(
            consultation_id=self.round.consultation_id
        ).select_related("organisation")
        return [documents.letter(self.round, r) for r in unreached(requests)]


class FollowUpAction(_FollowUpMixin, generic.View):
    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action == "remind":
            count = services.follow_up_remind(access=self.access, round=self.round)
            messages.success(
                request,
                ngettext(
                    "A reminder is queued for %(count)s organisation.",
                    "Reminders are queued for %(count)s organisations.",
                    count,
                )
                % {"count": count},
            )
        elif action == "resend":
            resend(request, self.round)
        elif action == "close":
            missing = [
                row.organisation.name
                for row in selectors.follow_up_board(self.round)
                if not row.complete
            ]
            lines = [
                _(
                    "Closing makes the reports for %(year)s the year's record: they can no "
                    "longer change."
                )
                % {"year": self.round.year}
            ]
            if missing:
                lines.append(_("These organisations have not reported every measure:"))
            if confirm := confirmed(
                request,
                context=self.area_context(),
                title=_("Close the follow-up for %(year)s") % {"year": self.round.year},
                lines=lines,
                items=missing,
                button=_("Close the follow-up"),
                back_url=self.round.get_absolute_url(),
            ):
                return confirm
            services.follow_up_close(access=self.access, round=self.round)
            messages.success(request, _("The follow-up was closed."))
        else:
            raise Http404
        return HttpResponseRedirect(self.round.get_absolute_url())


class _ReportRows(AnswerPage):
    """One organisation's follow-up of a year: each measure with its status and account,
    saved together (a new version of each changed report). The page in the app and the
    page of the organisation's own link are the one answer page of every round; each
    says who may save (`save_one`). Needs `programme`, `organisation`, `year`."""

    template_name = "programme/tasks.html"
    sent_message = gettext_lazy("The report was saved. Thank you.")
    drafts = False  # each save is a report: a new version of each changed measure
    programme: Programme
    organisation: Organisation
    year: int

    @abstractmethod
    def save_one(self, measure: Measure, cleaned: dict, channel: dict) -> None:
        """The page's own write of one measure's report (its permission check included)."""

    def lock_values(self):
        Organisation.objects.select_for_update().filter(pk=self.organisation.pk).order_by().first()
        latest = {}
        for entry in MeasureReport.objects.filter(
            organisation=self.organisation, year=self.year
        ).order_by("version"):
            latest[entry.measure_id] = entry
        return {str(r.measure): f"{r.get_status_display()}: {r.account}" for r in latest.values()}

    def form(self, data):
        """Each measure with its form (this year's latest report, or "not reported"),
        this year's latest report and last year's, shown but never copied."""
        year = self.year
        latest, last_year = {}, {}
        for r in MeasureReport.objects.filter(
            organisation=self.organisation, year__in=(year, year - 1)
        ).order_by("version"):
            (latest if r.year == year else last_year)[r.measure_id] = r
        rows = []
        for measure in services.measures_of(
            programme=self.programme, organisation=self.organisation, year=year
        ):
            current = latest.get(measure.pk)
            form = MeasureReportForm(
                data,
                prefix=f"m{measure.pk}",
                initial={
                    "status": current.status if current else "",
                    "account": current.account if current else "",
                },
            )
            rows.append((measure, form, current, last_year.get(measure.pk)))
        return rows

    def form_valid(self, form):
        return all([row_form.is_valid() for _m, row_form, _c, _l in form])

    def save(self, form, *, submit, channel):
        reported = [(m, row_form) for m, row_form, _c, _l in form if row_form.reported]
        if not reported:  # "not reported" stays not reported: nothing to thank for
            raise ValidationError(_("Nothing was saved: choose a status for at least one measure."))
        for measure, row_form in reported:
            self.save_one(measure, row_form.cleaned_data, channel)

    def page_context(self, form):
        return {
            "organisation": self.organisation,
            "year": self.year,
            "programme": self.programme,
            "round": FollowUpRound.objects.filter(programme=self.programme, year=self.year).first(),
            "rows": form,
            "area": self.area,
        }


class Tasks(_ProgrammeMixin, _ReportRows):
    """An organisation's measures for the year, in the app: for its contact, or for the
    area's administrator, who records a report that came by letter, phone or the
    registry."""

    private = True

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.organisation = get_object_or_404(
            Organisation, area=self.area, pk=kwargs["organisation"]
        )
        self.year = kwargs["year"]
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_edit_organisation(self.organisation)

    def records_for_others(self):
        return self.organisation.pk not in self.access.contact_organisations(self.area)

    def save_one(self, measure, cleaned, channel) -> None:
        services.measure_report_save(
            access=self.access,
            measure=measure,
            organisation=self.organisation,
            year=self.year,
            user=self.request.user,
            **cleaned,
            **channel,
        )


class FollowUpByLink(ByLink, _ReportRows):
    """The same page by the organisation's own link, without an account: valid while
    the round is open; a link that is not valid, or a round since closed, says which and
    whom to contact, and saves nothing."""

    def open_link(self, token):
        self.round, self.request_row = services.follow_up_by_token(token)
        self.programme = self.round.programme
        self.area = self.programme.area
        self.organisation = self.request_row.organisation
        self.year = self.round.year

    def page_context(self, form):
        return {**super().page_context(form), "contact": self.round.reply_address}

    def save_one(self, measure, cleaned, channel) -> None:
        services.measure_report_by_link(
            round=self.round, request=self.request_row, measure=measure, **cleaned
        )


class ReportFile(QueuedDocumentMixin, _ProgrammeMixin, generic.View):
    """The annual hyte report for the council (a municipality, the county or the area),
    or the welfare plan of a council term; made on the worker (web.jobs)."""

    document_task = report.report_file

    def document(self) -> dict:
        fmt = self.kwargs["fmt"]
        if fmt not in ("pdf", "docx"):
            raise Http404
        year = _year(self.request, self.programme)
        organisation = None
        raw = self.request.GET.get("organisation", "")
        if raw.isdigit():
            organisation = get_object_or_404(Organisation, area=self.area, pk=raw)
        params = {
            "programme": self.programme.pk,
            "year": year,
            "organisation": organisation.pk if organisation else None,
            "fmt": fmt,
        }
        name = f"hyte-raportti-{year}" + (f"-{organisation.pk}" if organisation else "")
        return {
            "params": params,
            "title": _("Annual hyte report %(year)s (%(format)s)")
            % {"year": year, "format": fmt.upper()},
            "filename": f"{name}.{fmt}",
            "content_type": PDF if fmt == "pdf" else DOCX,
        }


class PromoteIdea(AreaMixin, generic.TemplateView):
    template_name = "form.html"
    private = True

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.idea = get_object_or_404(
            ThemeWorkIdea.objects.select_related("group__minutes__meeting"),
            group__minutes__meeting__body__area=self.area,
            pk=kwargs["idea"],
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.is_admin(self.area)

    def render_form(self, form):
        return self.render_to_response(
            {
                **self.get_context_data(),
                "form": form,
                "page_title": _("Make the idea a measure: %(idea)s") % {"idea": self.idea},
                "cancel_url": self.idea.group.minutes.meeting.get_absolute_url(),
                "form_key": form_key(self.request),
            }
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(PromoteForm(area=self.area, initial={"name": self.idea.text[:250]}))

    def post(self, request, *args, **kwargs):
        if repeat := already_saved(request):
            return repeat
        form = PromoteForm(request.POST, area=self.area)
        if form.is_valid():
            try:
                return create_once(
                    request,
                    lambda: services.idea_promote(
                        access=self.access, idea=self.idea, **form.cleaned_data
                    ),
                    lambda measure: measure.get_absolute_url(),
                    _("The idea is now a measure of the programme."),
                )
            except ValidationError as error:
                form.add_error(None, error)
        return self.render_form(form)
