"""Roles a user holds in one cooperation area. A user may hold several, in several areas."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, TimeStamped
from yhdyspinta.bodies.models import Body
from yhdyspinta.parties.models import Organisation


def role_target_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A secretary's role names the body, a contact's the organisation (roles and
    invitations alike)."""
    return [
        models.CheckConstraint(
            condition=~models.Q(role="body_secretary") | models.Q(body__isnull=False),
            name=f"{prefix}_secretary_has_body",
        ),
        models.CheckConstraint(
            condition=~models.Q(role="organisation_contact") | models.Q(organisation__isnull=False),
            name=f"{prefix}_contact_has_organisation",
        ),
    ]


class AreaRole(TimeStamped):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Area administrator")
        BODY_SECRETARY = "body_secretary", _("Body secretary")
        ORGANISATION_CONTACT = "organisation_contact", _("Organisation contact")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_roles"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="user_roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("body")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area role")
        verbose_name_plural = _("area roles")
        constraints = role_target_constraints("arearole")

    def __str__(self) -> str:
        target = self.body or self.organisation
        return f"{self.user}: {self.get_role_display()}" + (f" ({target})" if target else "")

    def clean(self) -> None:
        errors = {}
        if self.role == self.Role.BODY_SECRETARY and not self.body_id:
            errors["body"] = _("A body secretary needs a body.")
        if self.role == self.Role.ORGANISATION_CONTACT and not self.organisation_id:
            errors["organisation"] = _("An organisation contact needs an organisation.")
        if self.body_id and self.body.area_id != self.area_id:
            errors["body"] = _("The body belongs to another area.")
        if self.organisation_id and self.organisation.area_id != self.area_id:
            errors["organisation"] = _("The organisation belongs to another area.")
        if errors:
            raise ValidationError(errors)


class Invitation(models.Model):
    """An e-mailed, single-use link that lets a person create their account and gives
    them a role in the area. Only the token's hash is stored."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=30, choices=AreaRole.Role.choices)
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("body")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = role_target_constraints("invitation")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A key for an integration (a case-management or calendar system) to call the API
    as one user of one area: it sees and may do what that user's roles allow there.
    Issued by the area administrator, shown once, stored as a hash, expiring and
    revocable."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("what it is for"), max_length=200)
    prefix = models.CharField(max_length=12)  # shown in the list, to tell tokens apart
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"


class UseLogEntry(models.Model):
    """Who did what, when and from where: logins, failed logins, role changes, and every
    view or export of people's data (Information Management Act 906/2019 § 17)."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Logged out")
        ROLE_GRANTED = "role_granted", _("Role given")
        ROLE_REMOVED = "role_removed", _("Role removed")
        INVITED = "invited", _("Invitation sent")
        INVITATION_USED = "invitation_used", _("Invitation used")
        VIEW = "view", _("Viewed people's data")
        EXPORT = "export", _("Exported people's data")
        UNLOCKED = "unlocked", _("Lockout lifted")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        ERASED = "erased", _("Personal data erased")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, null=True, blank=True, related_name="use_log"
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    target = models.CharField(pgettext_lazy("use log", "target"), max_length=300, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("from where"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("use log entry")
        verbose_name_plural = _("use log")
        indexes = [models.Index(fields=["area", "-at"], name="uselog_area_at")]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.username} {self.action} {self.target}"
