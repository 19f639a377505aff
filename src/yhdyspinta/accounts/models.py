"""Roles a user holds in one cooperation area. A user may hold several, in several areas."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, TimeStamped
from yhdyspinta.bodies.models import Body
from yhdyspinta.parties.models import Organisation


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
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="body_secretary") | models.Q(body__isnull=False),
                name="arearole_secretary_has_body",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="organisation_contact")
                | models.Q(organisation__isnull=False),
                name="arearole_contact_has_organisation",
            ),
        ]

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
