"""The pages every round kind shares: the one answer page (in the app and by the
personal link), a confirmation before a round that would skip organisations goes out,
how many were reached and skipped, and the inline address of one that was not."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from yhdyspinta.core import locking
from yhdyspinta.core.documents import DOCX, PDF, file_response
from yhdyspinta.web.views import AreaMixin, opened_on

from . import services
from .forms import EntryForm
from .letters import Letter, letter_docx, letters_pdf
from .models import AnswerChannel, Request
from .selectors import unreachable_ids
from .services import unreachable


def report_sent(request: HttpRequest, sent: services.Sent) -> None:
    """Say how many organisations a send or reminder reaches, and how many it skipped
    for want of an address, never only the good news."""
    messages.success(
        request,
        ngettext(
            "Queued for %(count)s organisation; the delivery report shows when it is sent.",
            "Queued for %(count)s organisations; the delivery report shows when they are sent.",
            sent.reached,
        )
        % {"count": sent.reached},
    )
    if sent.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s organisation has no e-mail address and was not reached: "
                "see the delivery report.",
                "%(count)s organisations have no e-mail address and were not reached: "
                "see the delivery report.",
                sent.skipped,
            )
            % {"count": sent.skipped},
        )


def confirm_unreachable(
    request: HttpRequest, *, context: dict, requests: Iterable[Request], back_url: str
) -> HttpResponse | None:
    """Before a round goes out: when some organisations have no address, the sender
    sees them listed and must say yes (nothing is sent to them, and a round that would
    reach nobody is not sent by accident). None when there is nothing to confirm."""
    requests = list(requests)
    skipped = unreachable(requests)
    if not skipped or request.POST.get("confirm") == "yes":
        return None
    return render(
        request,
        "consultations/confirm_send.html",
        {
            **context,
            "skipped": skipped,
            "reached": len(requests) - len(skipped),
            "total": len(requests),
            "action_url": request.path,
            "back_url": back_url,
        },
    )


def send_round(
    request: HttpRequest, *, context: dict, round: Any, send: Callable[..., services.Sent]
) -> HttpResponse | None:
    """A round's send button: confirm first when organisations would be skipped, then
    send and say what happened. Returns the confirmation page, or None when sent."""
    confirm = confirm_unreachable(
        request,
        context=context,
        requests=round.requests.select_related("organisation"),
        back_url=round.get_absolute_url(),
    )
    if confirm is None:
        sent = send(round=round)
        if sent.reached or sent.skipped:
            report_sent(request, sent)
        else:  # posted twice: the first send took them all
            messages.info(
                request,
                _(
                    "Nothing new was queued: every organisation's request was queued "
                    "already. The delivery report shows which have been sent."
                ),
            )
    return confirm


class AddressAdd(AreaMixin, View):
    """A round's board: give an organisation it could not reach an address, inline, and
    send it the request it was skipped for."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.request_row = get_object_or_404(
            Request.objects.select_related("organisation", "consultation"),
            consultation__area__slug=kwargs["area"],
            pk=kwargs["pk"],
        )
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response

    def allowed(self) -> bool:
        return bool(self.access.can_edit_organisation(self.request_row.organisation))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("email", "").strip()
        organisation = self.request_row.organisation
        try:
            sent = services.address_add(access=self.access, request=self.request_row, email=email)
        except ValidationError as error:
            messages.error(request, f"{organisation.name}: " + " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(organisation)s now has the address %(email)s.")
                % {"organisation": organisation.name, "email": email}
                + " "
                + (
                    _("The request it was skipped for is queued to it.")
                    if sent
                    else _("Nothing was waiting to be sent to it.")
                ),
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = services.specific(self.request_row.consultation).get_absolute_url()
        return HttpResponseRedirect(back)


class AnswerPage(View, ABC):
    """The one answer page of every round kind (nomination, comment, evaluation, yearly
    follow-up), in the app and by the organisation's personal link: it shows the kind's
    form, saves a draft or sends (a send is a new version), records how the answer came
    (the link; the app; or, when the convener records it on the organisation's behalf,
    the channel and registry number of `EntryForm`), refuses a lost update (what was
    opened is compared with what is saved now, under a row lock), and says what happened.

    A kind gives `template_name`, `sent_message`, `form(data)`, `save(form, submit=,
    channel=)`, `lock_values()` and `page_context(form)`; `records_for_others()` when
    the visitor records for the organisation; `drafts = False` when every save is a
    send; `done_template` for the thank-you page after a send by link."""

    template_name: str
    done_template = ""
    sent_message: Any = ""
    drafts = True
    via_link = False
    entry_form_class: type[EntryForm] = EntryForm

    # --- what a kind gives -------------------------------------------------------------

    @abstractmethod
    def form(self, data: QueryDict | None) -> Any:
        """The kind's form (or formset, or rows of forms), bound when `data` is given."""

    def form_valid(self, form: Any) -> bool:
        return bool(form.is_valid())

    @abstractmethod
    def save(self, form: Any, *, submit: bool, channel: dict) -> None:
        """The kind's write through its service (`saving()` gives the common values)."""

    @abstractmethod
    def lock_values(self) -> Mapping[str, object]:
        """The answer as saved now, its row locked, for the lost-update check."""

    def page_context(self, form: Any) -> dict:
        return {}

    def done_context(self) -> dict:
        return {}

    def records_for_others(self) -> bool:
        return False

    # --- the page -------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.show(self.form(None), self.entry(None))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, entry = self.form(request.POST), self.entry(request.POST)
        valid = self.form_valid(form)
        if entry is not None and not entry.is_valid():
            valid = False
        if not valid:
            messages.error(request, _("Check the fields marked below. Nothing was saved yet."))
            return self.show(form, entry)
        submit = "submit" in request.POST or not self.drafts
        try:
            with transaction.atomic():
                values = self.lock_values()
                try:
                    locking.check(request.POST.get(locking.FIELD, ""), values)
                except ValidationError:
                    self.fresh_version = locking.fingerprint(values)
                    raise
                self.save(form, submit=submit, channel=self.channel(entry))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.show(form, entry)
        if not submit:
            messages.success(request, _("Draft saved. It has not been sent yet."))
            return HttpResponseRedirect(request.path)
        messages.success(request, self.sent_message)
        if self.via_link and self.done_template:
            return render(request, self.done_template, self.done_context())
        return HttpResponseRedirect(request.path)

    def user(self) -> Any:
        """Who saves: nobody by a link (whoever holds it), else the logged-in user."""
        return None if self.via_link else self.request.user

    def saving(self, submit: bool, channel: dict) -> dict[str, Any]:
        """What every kind's answer service is told besides the answer itself: send or
        draft, who saves, whether on the organisation's behalf, by the link or not, and
        how the answer came."""
        return {
            "submit": submit,
            "user": self.user(),
            "is_admin": self.records_for_others(),
            "via_link": self.via_link,
            **channel,
        }

    def entry(self, data: QueryDict | None) -> EntryForm | None:
        if not self.records_for_others():
            return None
        return self.entry_form_class(data, prefix="entry")

    def channel(self, entry: EntryForm | None) -> dict:
        """How the answer came: as the convener records it, else the link or the app."""
        if entry is not None:
            return dict(entry.cleaned_data)
        return {"channel": AnswerChannel.LINK if self.via_link else AnswerChannel.APP}

    def edited_from(self) -> str:
        """The version the page carries: the one it was opened on while it is shown again
        with errors, a fresh one after a conflict or on opening."""
        fresh = getattr(self, "fresh_version", None)
        if fresh:
            return str(fresh)
        if self.request.method == "POST" and self.request.POST.get(locking.FIELD):
            return self.request.POST[locking.FIELD]
        return opened_on(self.lock_values)

    def show(self, form: Any, entry: EntryForm | None) -> HttpResponse:
        area_context = getattr(self, "area_context", None)
        context = area_context() if area_context is not None and not self.via_link else {}
        context.update(self.page_context(form))
        if self.via_link:
            context["can_view_private"] = False
        context.update(
            entry_form=entry,
            via_link=self.via_link,
            edited_from=self.edited_from(),
        )
        return render(self.request, self.template_name, context)


class ByLink(ABC):
    """An answer page opened by the organisation's personal link, no account needed.
    A link that is not valid, already used, expired or of another kind shows a page that
    says which, and nothing is saved. A kind gives `open_link(token)`, which sets what
    the page needs or raises ValidationError."""

    via_link = True

    @abstractmethod
    def open_link(self, token: str) -> None:
        """Find what the link is for (setting the page's request), or raise."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.open_link(kwargs["token"])
        except ValidationError as error:
            return render(
                request,
                "consultations/link_refused.html",
                {"reason": " ".join(error.messages), "contact": getattr(error, "contact", "")},
                status=410,
            )
        response: HttpResponse = super().dispatch(  # type: ignore[misc]  # a mixin
            request, *args, **kwargs
        )
        return response


class LetterView(View, ABC):
    """Request letters (consultations.letters): one organisation's as a PDF or a DOCX,
    or, for a round, the letters of every organisation that e-mail does not reach, as
    one PDF to print and post. A kind gives `letters()` (and `batch_name`)."""

    batch_name = "kirjeet"

    @abstractmethod
    def letters(self) -> list[Letter]:
        """The letters this page gives (one, or a round's to post)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        letters = self.letters()
        if not letters:
            raise Http404
        name = letters[0].filename if len(letters) == 1 else self.batch_name
        if kwargs["fmt"] == "pdf":
            return file_response(letters_pdf(letters), f"{name}.pdf", PDF)
        if kwargs["fmt"] == "docx" and len(letters) == 1:
            return file_response(letter_docx(letters[0]), f"{name}.docx", DOCX)
        raise Http404


def unreached(requests: Iterable[Any]) -> list:
    """The requests whose organisations no e-mail reaches (their letters go by post)."""
    requests = list(requests)
    missing = unreachable_ids(r.organisation for r in requests)
    return [r for r in requests if r.organisation_id in missing]
