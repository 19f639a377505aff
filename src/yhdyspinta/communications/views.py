"""What a sender is told, and the delivery report of a meeting or a round."""

from django.contrib import messages
from django.utils.translation import ngettext

from . import services
from .models import OutgoingMessage


def delivery_context(about, resend_url: str) -> dict:
    """The delivery report's rows for a page that includes
    communications/_delivery_report.html."""
    rows = list(services.delivery_report(about))
    # Messages waiting for another attempt after the mail server failed them: while any
    # does, the report says so above the rows (a stalled or refusing mail server).
    retrying = [r for r in rows if r.status == OutgoingMessage.Status.QUEUED and r.last_error]
    return {
        "deliveries": rows,
        "retrying": len(retrying),
        "retry_error": retrying[-1].last_error if retrying else "",
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
