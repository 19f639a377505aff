from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.communications.views import delivery_context, resend
from yhdyspinta.consultations.selectors import reach
from yhdyspinta.consultations.views import (
    AnswerPage,
    ByLink,
    LetterView,
    report_sent,
    send_round,
    unreached,
)
from yhdyspinta.core import locking
from yhdyspinta.core.documents import XLSX, file_response
from yhdyspinta.web.views import (
    AreaFormMixin,
    AreaMixin,
    confirm_close,
)

from . import documents, selectors, services
from .forms import AdminEntryForm, ElectionForm, NomineeFormSet, RoundForm, initial_rows
from .models import NominationAnswer, NominationRequest, NominationRound


class _AdminMixin(AreaMixin):
    private = True

    def allowed(self):
        return self.access.is_admin(self.area)


class RoundList(AreaMixin, generic.TemplateView):
    """Rounds of the area; an organisation contact sees the requests to answer."""

    private = True
    template_name = "nominations/round_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rounds"] = selectors.round_list(area=self.area)
        own = self.access.contact_organisations(self.area)
        context["my_requests"] = NominationRequest.objects.filter(
            organisation_id__in=own, round__status=NominationRound.Status.OPEN
        ).select_related("round", "organisation", "body")
        return context


class RoundCreate(_AdminMixin, AreaFormMixin, generic.CreateView):
    model, form_class = NominationRound, RoundForm

    def save(self, form):
        return services.round_create(
            access=self.access,
            round=form.instance,
            bodies=list(form.cleaned_data["bodies"]),
            organisations=form.organisations(),
        )

    def get_page_title(self):
        return _("New nomination round")


class _RoundMixin(_AdminMixin):
    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.round = get_object_or_404(NominationRound, area=self.area, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class RoundDetail(_RoundMixin, generic.TemplateView):
    template_name = "nominations/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.round
        context["board"] = selectors.board(self.round)
        context["reach"] = reach(row.request for row in context["board"])
        context["letters_url"] = reverse(
            "nominations:unreached_letters",
            kwargs={"area": self.area.slug, "pk": self.round.pk, "fmt": "pdf"},
        )
        context["can_add_address"] = self.access.is_admin(self.area)
        context["rules"] = documents.rules_text(self.round)
        context.update(delivery_context(self.round, self._action_url("resend")))
        return context

    def _action_url(self, action: str) -> str:
        return reverse(
            "nominations:round_action",
            kwargs={"area": self.area.slug, "pk": self.round.pk, "action": action},
        )


class RoundAction(_RoundMixin, View):
    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        try:
            if action == "send":
                confirm = send_round(
                    request,
                    context=self.area_context(),
                    round=self.round,
                    send=partial(services.round_send, access=self.access),
                )
                if confirm is not None:
                    return confirm
            elif action == "remind":
                report_sent(request, services.send_reminders(access=self.access, round=self.round))
            elif action == "resend":
                resend(request, self.round)
            elif action == "close":
                if confirm := self.confirm_close():
                    return confirm
                count = services.round_close(access=self.access, round=self.round)
                messages.success(
                    request, _("Round closed; %(count)s new memberships.") % {"count": count}
                )
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self.round.get_absolute_url())

    def confirm_close(self):
        requests = list(self.round.requests.select_related("organisation"))
        answered = [
            r
            for r in requests
            if r.answers.filter(status=NominationAnswer.Status.SUBMITTED).exists()
        ]
        effect = _(
            "Closing turns the %(answered)s answers received into memberships from "
            "%(start)s and ends the seats they replace. The answers can no longer change."
        ) % {"answered": len(answered), "start": self.round.term_starts_on.strftime("%-d.%-m.%Y")}
        return confirm_close(
            self.request,
            context=self.area_context(),
            round=self.round,
            effect=effect,
            unanswered=[r.organisation.name for r in requests if r not in answered],
        )


class RoundExport(_RoundMixin, View):
    logs_people = "export"

    def get(self, request, *args, **kwargs):
        board = selectors.board(self.round)
        name = f"nimeamiset-{self.round.pk}"
        if kwargs["fmt"] == "xlsx":
            return file_response(documents.board_xlsx(board), f"{name}.xlsx", XLSX)
        return file_response(documents.board_csv(board), f"{name}.csv", "text/csv; charset=utf-8")


class _RequestMixin(AreaMixin):
    private = True

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.nomination = get_object_or_404(
            NominationRequest.objects.select_related("round", "organisation", "body"),
            round__area=self.area,
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_answer_nomination(self.nomination.organisation)


class RequestLetter(_RequestMixin, LetterView):
    def letters(self):
        return [documents.letter(self.nomination)]


class UnreachedLetters(_RoundMixin, LetterView):
    """The letters of the organisations that e-mail does not reach, to post."""

    def letters(self):
        self.batch_name = f"nimeamispyynnot-{self.round.pk}"
        requests = self.round.requests.select_related("organisation", "body", "round__area")
        return [documents.letter(r) for r in unreached(requests)]


class _AnswerPage(AnswerPage):
    """A nomination request's answer: the nominees by role, against the round's rules."""

    template_name = "nominations/answer.html"
    done_template = "nominations/answer_done.html"
    sent_message = gettext_lazy("Thank you: the answer was sent.")
    entry_form_class = AdminEntryForm
    nomination: NominationRequest

    def form(self, data):
        kwargs = {"organisation": self.nomination.organisation, "prefix": "nominees"}
        if data is not None:
            return NomineeFormSet(data, **kwargs)
        latest = self.nomination.answers.order_by("-version").prefetch_related("nominees").first()
        return NomineeFormSet(initial=initial_rows(latest), **kwargs)

    def save(self, form, *, submit, channel):
        services.answer_save(
            request=self.nomination,
            rows=form.rows(),
            **self.saving(submit, channel),
        )

    def lock_values(self):
        return _answer_values(self.nomination)

    def page_context(self, form):
        nomination = self.nomination
        round = nomination.round
        return {
            "nomination": nomination,
            "round": round,
            "formset": form,
            "rules": documents.rules_text(round),
            "latest": nomination.answers.order_by("-version").first(),
            "history": list(
                nomination.answers.filter(status=NominationAnswer.Status.SUBMITTED).order_by(
                    "-version"
                )
            ),
            "area": round.area,
            "past_deadline": round.is_past_deadline,
        }

    def done_context(self):
        return {"nomination": self.nomination, "round": self.nomination.round}


def _answer_values(nomination) -> dict[str, object]:
    """The answer as saved now, for the lock of the answer page."""
    NominationRequest.objects.select_for_update().filter(pk=nomination.pk).order_by().first()
    latest = nomination.answers.order_by("-version").first()
    if latest is None:
        return {}
    return {
        _("Answer"): f"v{latest.version} {latest.get_status_display()}",
        **locking.row_values(*latest.nominees.order_by("position")),
    }


class AnswerView(_RequestMixin, _AnswerPage):
    """The answer in the app: the organisation's contact, or the administrator, who
    records an answer that came by letter, phone or the registry."""

    def records_for_others(self):
        return self.access.is_admin(self.area)


class AnswerByLink(ByLink, _AnswerPage):
    """The personal, expiring, single-use link for organisations without accounts."""

    def open_link(self, token):
        self.nomination = services.request_by_token(token)


class ElectionView(AreaMixin, generic.FormView):
    """Record the chair and vice-chair elected among the body's members."""

    template_name = "form.html"
    form_class = ElectionForm

    def dispatch(self, request, *args, **kwargs):
        self.body = get_object_or_404(Body, area__slug=kwargs["area"], pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_edit_body(self.body)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.body
        return kwargs

    def form_valid(self, form):
        try:
            services.body_elect_chairs(access=self.access, body=self.body, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The election was recorded."))
        return HttpResponseRedirect(self.body.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = _("Chair and vice-chair: %(body)s") % {"body": self.body}
        context["cancel_url"] = self.body.get_absolute_url()
        return context
