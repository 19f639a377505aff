"""Writes of accounts: invitations, roles. Each checks its permission itself, so that a
view, a command or the coming API cannot skip it, and each is recorded in the use log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.http import HttpRequest
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.communications.services import MAIL_QUEUE, Recipient, enqueue
from yhdyspinta.core.permission import require
from yhdyspinta.parties.models import Organisation, Person

from . import person_data, use_log
from .models import ApiToken, AreaRole, Invitation, UseLogEntry
from .permissions import Access

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "invitation_accept",
    "invitation_by_token",
    "invitation_send",
    "role_grant",
    "role_remove",
]

Action = use_log.Action


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_admin(access: Access, area: Area) -> None:
    if not access.is_admin(area):
        raise PermissionDenied(_("Only the area administrator gives and removes roles."))


def _check_target(
    area: Area, role: str, body: Body | None, organisation: Organisation | None
) -> None:
    role_obj = AreaRole(area=area, role=role, body=body, organisation=organisation)
    role_obj.clean()


@transaction.atomic
def invitation_send(
    *,
    access: Access,
    request: HttpRequest,
    area: Area,
    email: str,
    role: str,
    body: Body | None = None,
    organisation: Organisation | None = None,
) -> Invitation:
    """Invite a person by e-mail: a link valid for INVITATION_DAYS, usable once."""
    _check_admin(access, area)
    _check_target(area, role, body, organisation)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        area=area,
        email=email.strip().lower(),
        role=role,
        body=body,
        organisation=organisation,
        token_hash=_hash(token),
        invited_by=access.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    link = settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})
    context = {
        "area": area,
        "link": link,
        "invitation": invitation,
        "days": settings.INVITATION_DAYS,
        "inviter": access.user.get_full_name() or access.user.get_username(),
    }
    subject = _("Invitation to Yhdyspinta: %(area)s") % {"area": area.name}
    body_text = render_to_string("accounts/invitation_email.txt", context)
    enqueue(
        area=area,
        kind=OutgoingMessage.Kind.ACCOUNT_INVITATION,
        about=invitation,
        subject=subject,
        body=body_text,
        recipients=[Recipient(invitation.email, organisation=organisation)],
    )
    use_log.record(request, Action.INVITED, area=area, target=str(invitation))
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation of a link, or None when there is none."""
    return (
        Invitation.objects.select_related("area", "body", "organisation")
        .filter(token_hash=_hash(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str:
    if invitation is None:
        return _("This invitation link is not valid. Ask the area administrator for a new one.")
    if invitation.used_at is not None:
        return _("This invitation has already been used. Log in, or ask for a new invitation.")
    if invitation.expires_at < timezone.now():
        return _("This invitation has expired. Ask the area administrator for a new one.")
    return ""


@transaction.atomic
def invitation_accept(
    *,
    request: HttpRequest,
    token: str,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
) -> User:
    """Create the account, give the role and link the area's person with the same
    e-mail address. A link is consumed once, even when two people submit at once."""
    invitation = invitation_by_token(token)
    problem = invitation_problem(invitation)
    if invitation is None or problem:
        raise ValidationError(problem)
    used = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise ValidationError(invitation_problem(Invitation.objects.get(pk=invitation.pk)))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("That user name is taken. Choose another."))
    user = User(
        username=username, email=invitation.email, first_name=first_name, last_name=last_name
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    role = AreaRole(
        user=user,
        area=invitation.area,
        role=invitation.role,
        body=invitation.body,
        organisation=invitation.organisation,
    )
    role.full_clean()
    role.save()
    for person in Person.objects.filter(
        area=invitation.area, email__iexact=invitation.email, user__isnull=True
    ):  # one by one, so that the history records each
        person.user = user
        person.save(update_fields=["user"])
    Invitation.objects.filter(pk=invitation.pk).update(user=user)
    use_log.record(
        request,
        Action.INVITATION_USED,
        area=invitation.area,
        user=user,
        target=str(invitation),
    )
    return user


@transaction.atomic
def role_grant(
    *,
    access: Access,
    request: HttpRequest,
    area: Area,
    user: User,
    role: str,
    body: Body | None = None,
    organisation: Organisation | None = None,
) -> AreaRole:
    _check_admin(access, area)
    area_role = AreaRole(user=user, area=area, role=role, body=body, organisation=organisation)
    area_role.full_clean()
    area_role.save()
    use_log.record(request, Action.ROLE_GRANTED, area=area, target=str(area_role))
    return area_role


@transaction.atomic
def role_remove(*, access: Access, request: HttpRequest, area_role: AreaRole) -> None:
    _check_admin(access, area_role.area)
    if area_role.user_id == access.user.pk and area_role.role == AreaRole.Role.ADMIN:
        raise ValidationError(_("You cannot remove your own administrator role."))
    target = str(area_role)
    area_role.delete()
    use_log.record(request, Action.ROLE_REMOVED, area=area_role.area, target=target)


def locked_out(area: Area) -> list[str]:
    """The user names of the area's users that are locked out now (too many failed
    logins within the cool-off time)."""
    names = AreaRole.objects.filter(area=area).values("user__username")
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return sorted(
        set(
            AccessAttempt.objects.filter(
                username__in=names,
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                attempt_time__gte=since,
            ).values_list("username", flat=True)
        )
    )


@transaction.atomic
def lockout_lift(*, access: Access, request: HttpRequest, area: Area, username: str) -> None:
    """The area administrator lets a locked-out user of the area try again."""
    _check_admin(access, area)
    if username not in locked_out(area):
        raise ValidationError(_("The user is not locked out."))
    axes_reset(username=username)
    use_log.record(request, Action.UNLOCKED, area=area, target=username)


# --- password reset -------------------------------------------------------------------


def password_reset_queue(email: str) -> int:
    """The worker's part of a password reset: for each active account with a usable
    password and this address, a link from SITE_URL (not the request's host name) in a
    message through the outbox. Returns how many were queued."""
    queued = 0
    for user in PasswordResetForm().get_users(email):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = settings.SITE_URL + reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
        context = {"user": user, "link": link}
        subject = render_to_string("registration/password_reset_subject.txt", context).strip()
        body = render_to_string("registration/password_reset_email.html", context)
        role = AreaRole.objects.filter(user=user).select_related("area").order_by("pk").first()
        if role is None:  # e.g. the superuser, of no area: straight from the worker
            send_mail(subject, body, None, [email])
        else:
            enqueue(
                area=role.area,
                kind=OutgoingMessage.Kind.PASSWORD_RESET,
                about=user,
                subject=subject,
                body=body,
                recipients=[Recipient(email, person=Person.objects.filter(user=user).first())],
            )
        queued += 1
    return queued


@task(queue_name=MAIL_QUEUE)
def password_reset_send(email: str, language: str) -> int:
    """Queued by the reset page for every address, known or not, after its answer."""
    with translation.override(language):
        return password_reset_queue(email)


def lockout_lift_on_reset(request: HttpRequest, user: User) -> None:
    """A new password set by the reset link also lets the user in again."""
    if axes_reset(username=user.get_username()):
        use_log.record(request, Action.UNLOCKED, user=user, target=_("password reset"))


# --- API tokens ---------------------------------------------------------------------

API_TOKEN_MAX_DAYS = 730


@transaction.atomic
def api_token_issue(
    *,
    access: Access,
    area: Area,
    name: str,
    days: int,
    request: HttpRequest | None = None,
) -> str:
    """Issue a token in the caller's own name (whoever has a role in the area); returns
    the token, which is shown once and never stored. Nobody issues a token in another's
    name: what an integration does with it is done as its holder."""
    user = access.user
    if not user.is_authenticated or not AreaRole.objects.filter(area=area, user=user).exists():
        raise PermissionDenied(_("Only a user of the area has API tokens in it."))
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token is valid for 1 to %(max)s days.") % {"max": API_TOKEN_MAX_DAYS}
        )
    token = "yp_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        area=area,
        user=user,
        name=name[:200],
        prefix=token[:10],
        token_hash=_hash(token),
        created_by=user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    use_log.record(
        request,
        Action.TOKEN_ISSUED,
        area=area,
        user=user,
        target=f"{token[:10]}… {name[:200]} ({user.get_username()})",
    )
    return token


@transaction.atomic
def api_token_revoke(
    *, access: Access, token: ApiToken, request: HttpRequest | None = None
) -> None:
    # The holder revokes their own; the area's administrator any of the area's.
    require(token.user_id == access.user.pk or access.is_admin(token.area))
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        target = f"{token} ({token.user.get_username()})"
        use_log.record(request, Action.TOKEN_REVOKED, area=token.area, target=target)


def api_token_problem(token: ApiToken | None, now: datetime | None = None) -> StrOrPromise:
    """Why a token does not work, in words (lazily translated, so the API can give it in
    English and Finnish); empty when it does."""
    now = now or timezone.now()
    if token is None:
        return gettext_lazy("The API token is not valid.")
    if token.revoked_at is not None:
        return gettext_lazy("The API token has been revoked.")
    if token.expires_at <= now:
        return gettext_lazy("The API token has expired.")
    return ""


def api_token_find(raw: str) -> ApiToken | None:
    return (
        ApiToken.objects.filter(token_hash=_hash(raw))
        .select_related("area", "user", "created_by")
        .first()
    )


def api_token_used(token: ApiToken) -> None:
    """Mark the token used, at most once a minute (no write on every call)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# --- a person's data ------------------------------------------------------------------


@transaction.atomic
def person_erase(*, access: Access, person: Person, request: HttpRequest | None = None) -> int:
    """Erasure on request (GDPR art. 17) as far as the law allows: the person's name,
    title, e-mail and phone are replaced in the person row and in every version of its
    history, every registered holder erases or anonymises its rows (forum registrations,
    subscriptions, messages to the address), and the user account is closed and loses
    its name. What the law requires to be kept stays, pointing at the anonymised person:
    the seats, attendances and minutes of public bodies (the Archives Act and the Local
    Government Act), consents as proof (by a hash of the address only) and the use log
    (its retention). Returns the number of rows changed; the erasure is in the use log."""
    require(access.is_admin(person.area))
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    changed = sum(
        holder.erase(person) for holder in person_data.HOLDERS if holder.erase is not None
    )
    anonymous = {
        "first_name": _("Removed"),
        "last_name": _("person %(number)s") % {"number": person.pk},
        "title": "",
        "email": "",
        "phone": "",
    }
    # The use log is kept, but names the person by number from now on: the entries of
    # the person's own pages (their address names the person's id, so a namesake's
    # entries stay as they are).
    UseLogEntry.objects.filter(
        area=person.area, target__contains=str(person), path__contains=f"/people/{person.pk}/"
    ).update(
        target=Replace(
            F("target"), Value(str(person)), Value(_("person %(number)s") % {"number": person.pk})
        )
    )
    changed += Person.objects.filter(pk=person.pk).update(**anonymous, user=None)
    history: int = person.history.model.objects.filter(id=person.pk).update(**anonymous)
    changed += history
    if person.user is not None:
        user = person.user
        user.username = f"poistettu-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        AreaRole.objects.filter(user=user).delete()
        changed += 1
    use_log.record(
        request,
        Action.ERASED,
        area=person.area,
        target=_("person %(number)s") % {"number": person.pk},
    )
    return changed
