"""What a sender is told, and the delivery report of a meeting or a round."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import ngettext

from yhdyspinta.outreach import unreachable

from . import services
from .models import OutgoingMessage


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


def delivery_context(about, resend_url: str) -> dict:
    """The delivery report's rows for a page that includes
    communications/_delivery_report.html."""
    rows = list(services.delivery_report(about))
    return {
        "deliveries": rows,
        "has_failed": any(r.status == OutgoingMessage.Status.FAILED for r in rows),
        "resend_url": resend_url,
    }


def resend(request, about) -> None:
    count = services.resend_failed(about=about)
    messages.success(
        request,
        ngettext(
            "%(count)s failed message queued again.",
            "%(count)s failed messages queued again.",
            count,
        )
        % {"count": count},
    )


def confirm_unreachable(request, *, area, requests, back_url: str):
    """Before a round goes out: when some organisations have no address, the sender
    sees them listed and must say yes (nothing is sent to them, and a round that would
    reach nobody is not sent by accident). None when there is nothing to confirm."""
    requests = list(requests)
    skipped = unreachable(requests)
    if not skipped or request.POST.get("confirm") == "yes":
        return None
    return render(
        request,
        "communications/confirm_send.html",
        {
            "area": area,
            "skipped": skipped,
            "reached": len(requests) - len(skipped),
            "total": len(requests),
            "action_url": request.path,
            "back_url": back_url,
        },
    )
