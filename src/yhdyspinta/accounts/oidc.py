"""Single sign-on by OpenID Connect (Entra ID or any provider), configured only from the
environment. A signed-in user is matched by e-mail address to an existing account, or to
a person the area already knows (who then gets an account linked to that person). Nobody
else gets in: roles are still given in the app."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from yhdyspinta.parties.models import Person

User = get_user_model()


class PersonEmailBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return User.objects.none()
        linked = Person.objects.filter(email__iexact=email, user__isnull=False).values("user_id")
        return User.objects.filter(is_active=True).filter(
            pk__in=User.objects.filter(email__iexact=email).values("pk").union(linked)
        )

    def create_user(self, claims):
        email = (claims.get("email") or "").strip()
        people = Person.objects.filter(email__iexact=email, user__isnull=True)
        if not email or not people.exists():
            return None
        user = User.objects.create_user(
            username=self.get_username(claims),
            email=email,
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        user.set_unusable_password()
        user.save()
        for person in people:  # one by one, so that the history records each
            person.user = user
            person.save(update_fields=["user"])
        return user

    def verify_claims(self, claims):
        return bool(claims.get("email")) and super().verify_claims(claims)
