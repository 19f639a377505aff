"""What the sender of a round sees: a confirmation before a round that would skip
organisations goes out, and how many were reached and skipped."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from yhdyspinta.web.views import AreaMixin

from . import services
from .models import Request
from .services import unreachable


def report_sent(request, sent) -> None:
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


def confirm_unreachable(request, *, context: dict, requests, back_url: str):
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


def send_round(request, *, context: dict, round, send):
    """A round's send button: confirm first when organisations would be skipped, then
    send and say what happened. Returns the confirmation page, or None when sent."""
    confirm = confirm_unreachable(
        request,
        context=context,
        requests=round.requests.select_related("organisation"),
        back_url=round.get_absolute_url(),
    )
    if confirm is None:
        report_sent(request, send(round=round))
    return confirm


class AddressAdd(AreaMixin, View):
    """A round's board: give an organisation it could not reach an address, inline, and
    send it the request it was skipped for."""

    def dispatch(self, request, *args, **kwargs):
        self.request_row = get_object_or_404(
            Request.objects.select_related("organisation", "consultation"),
            consultation__area__slug=kwargs["area"],
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return self.access.can_edit_organisation(self.request_row.organisation)

    def post(self, request, *args, **kwargs):
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
