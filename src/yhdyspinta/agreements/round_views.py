"""The agreement's comment and evaluation rounds: creating and sending one, its
status board, the convener's handling of each comment, the summary, the request letters
and the answer page (in the app and by the personal link)."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from yhdyspinta.areas.models import Area
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
from yhdyspinta.core.documents import DOCX, PDF, file_response
from yhdyspinta.web.views import (
    AreaFormMixin,
    confirm_close,
)

from . import documents, selectors, services
from .forms import (
    CommentRoundForm,
    CommentsForm,
    ResponseForm,
)
from .models import (
    Comment,
    CommentRequest,
    CommentRound,
)
from .views import _Manage, _Private, _VersionMixin


class RoundCreate(_Manage, _VersionMixin, AreaFormMixin, generic.CreateView):
    form_class = CommentRoundForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["version"] = self.version
        return kwargs

    def save(self, form):
        return services.comment_round_create(
            access=self.access,
            round=form.instance,
            organisations=list(form.cleaned_data["organisations"]),
        )

    def get_page_title(self):
        return _("New comment round on version %(n)s") % {"n": self.version.number}

    def get_cancel_url(self):
        return self.version.get_absolute_url()


class _RoundMixin(_Manage):
    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.round = get_object_or_404(
            CommentRound.objects.select_related("version__agreement"),
            version__agreement__area=self.area,
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)


class RoundDetail(_RoundMixin, generic.TemplateView):
    template_name = "agreements/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.round
        context["version"] = self.round.version
        context["board"] = selectors.round_board(self.round)
        context["reach"] = reach(row.request for row in context["board"])
        context["letters_url"] = reverse(
            "agreements:unreached_letters",
            kwargs={"area": self.area.slug, "pk": self.round.pk, "fmt": "pdf"},
        )
        context["can_add_address"] = self.access.is_admin(self.area)
        context["groups"] = [
            (
                group,
                [
                    (
                        c,
                        ResponseForm(
                            prefix=f"c{c.pk}",
                            initial={"response": c.response, "reason": c.response_reason},
                        ),
                        locking.fingerprint(_handling_values(c)),
                    )
                    for c in group.comments
                ],
            )
            for group in selectors.comment_summary(self.round)
        ]
        context["counts"] = selectors.response_counts(self.round)
        resend_url = reverse(
            "agreements:round_action",
            kwargs={"area": self.area.slug, "pk": self.round.pk, "action": "resend"},
        )
        context.update(delivery_context(self.round, resend_url))
        return context


def _handling_values(comment: Comment) -> dict[str, object]:
    return {
        _("Handling"): comment.get_response_display(),
        _("Reason"): comment.response_reason,
    }


class RoundAction(_RoundMixin, View):
    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        try:
            if action == "send":
                confirm = send_round(
                    request,
                    context=self.area_context(),
                    round=self.round,
                    send=partial(services.comment_round_send, access=self.access),
                )
                if confirm is not None:
                    return confirm
            elif action == "remind":
                report_sent(
                    request, services.comment_send_reminders(access=self.access, round=self.round)
                )
            elif action == "resend":
                resend(request, self.round)
            elif action == "close":
                if confirm := self.confirm_close():
                    return confirm
                services.comment_round_close(access=self.access, round=self.round)
                messages.success(request, _("The round was closed."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self.round.get_absolute_url())

    def confirm_close(self):
        pending = Comment.objects.filter(
            request__round=self.round, request__submitted_at__isnull=False, response=""
        ).count()
        effect = _(
            "Closing freezes the comments and their handling: they can no longer change. "
            "%(pending)s comments are not yet handled."
        ) % {"pending": pending}
        return confirm_close(
            self.request,
            context=self.area_context(),
            round=self.round,
            effect=effect,
            unanswered=[
                r.organisation.name
                for r in self.round.requests.select_related("organisation")
                if not r.submitted_at
            ],
        )


class CommentRespond(_RoundMixin, View):
    def post(self, request, *args, **kwargs):
        comment = get_object_or_404(
            Comment,
            request__round=self.round,
            pk=kwargs["comment"],
            request__submitted_at__isnull=False,
        )
        form = ResponseForm(request.POST, prefix=f"c{comment.pk}")
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = Comment.objects.select_for_update().order_by().get(pk=comment.pk)
                    locking.check(request.POST.get(locking.FIELD, ""), _handling_values(saved))
                    services.comment_respond(
                        access=self.access,
                        comment=saved,
                        response=form.cleaned_data["response"],
                        reason=form.cleaned_data["reason"],
                    )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The handling of the comment was saved."))
        return HttpResponseRedirect(self.round.get_absolute_url() + f"#comment-{comment.pk}")


class RoundSummary(_RoundMixin, View):
    def get(self, request, *args, **kwargs):
        name = f"lausuntoyhteenveto-{self.round.pk}"
        if kwargs["fmt"] == "pdf":
            return file_response(documents.summary_pdf(self.round), f"{name}.pdf", PDF)
        return file_response(documents.summary_docx(self.round), f"{name}.docx", DOCX)


class _RequestMixin(_Private):
    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(Area, slug=kwargs["area"])
        self.comment_request = get_object_or_404(
            CommentRequest.objects.select_related("round__version__agreement", "organisation"),
            round__version__agreement__area=self.area,
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return self.access.can_comment_agreement(self.comment_request.organisation)


class RequestLetter(_RequestMixin, LetterView):
    def letters(self):
        return [documents.letter(self.comment_request)]


class UnreachedLetters(_RoundMixin, LetterView):
    """The letters of the organisations that e-mail does not reach, to post."""

    def letters(self):
        self.batch_name = f"lausuntopyynnot-{self.round.pk}"
        requests = self.round.requests.select_related(
            "organisation", "round__version__agreement__area"
        )
        return [documents.letter(r) for r in unreached(requests)]


class _CommentPage(AnswerPage):
    """A comment (or evaluation) request's answer: comments section by section."""

    template_name = "agreements/comment_form.html"
    done_template = "agreements/comment_done.html"
    sent_message = gettext_lazy("Thank you: the comments were sent.")
    comment_request: CommentRequest

    def form(self, data):
        return CommentsForm(data, request=self.comment_request)

    def save(self, form, *, submit, channel):
        services.comments_save(
            request=self.comment_request,
            texts=form.texts(),
            **self.saving(submit, channel),
        )

    def lock_values(self):
        return _comment_values(self.comment_request)

    def page_context(self, form):
        comment_request = self.comment_request
        round = comment_request.round
        return {
            "comment_request": comment_request,
            "round": round,
            "form": form,
            "sections": [
                (s, selectors.render_markdown(s.text), form[f"section_{s.pk}"])
                for s in form.sections
            ],
            "area": round.version.agreement.area,
            "locked": bool(comment_request.submitted_at) and not self.records_for_others(),
        }

    def done_context(self):
        return {"comment_request": self.comment_request, "round": self.comment_request.round}


def _comment_values(comment_request) -> dict[str, object]:
    """The comments as saved now, for the lock of the comment page."""
    saved = CommentRequest.objects.select_for_update().order_by().get(pk=comment_request.pk)
    values: dict[str, object] = {_("Sent"): saved.submitted_at, _("No comments"): saved.no_comments}
    general = _("General")  # not inside the f-string: xgettext finds it here
    for n, comment in enumerate(saved.comments.select_related("section").order_by("pk"), 1):
        values[f"{n}. {comment.section or general}"] = comment.text
    return values


class CommentAnswer(_RequestMixin, _CommentPage):
    """The comments in the app: the organisation's contact, or the convener, who records
    comments that came by letter, phone or the registry."""

    def records_for_others(self):
        return self.access.can_manage_agreements(self.area)


class CommentByLink(ByLink, _CommentPage):
    """The personal, expiring, single-use link for organisations without accounts."""

    def open_link(self, token):
        self.comment_request = services.request_by_token(token)
