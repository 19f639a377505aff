"""Mail backends that fail the way real mail servers do, for the outbox tests."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocMem


class FailAfterFirst(LocMem):
    """Delivers one message, then the server goes away."""

    delivered = 0

    def send_messages(self, messages):
        if FailAfterFirst.delivered >= 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FailAfterFirst.delivered += len(messages)
        return super().send_messages(messages)


class Down(LocMem):
    """A mail server that is not there (a temporary failure: worth retrying)."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class Refusing(LocMem):
    """A bounce at the door: the recipient does not exist (permanent, 5xx)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


class RefusesHylatty(LocMem):
    """Delivers to everyone but an address that does not exist (hylatty@…)."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.startswith("hylatty@") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)
