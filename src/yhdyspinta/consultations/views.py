"""What the sender of a round sees: a confirmation before a round that would skip
organisations goes out, and how many were reached and skipped."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import ngettext

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
