"""Single sign-on by OpenID Connect (Entra ID or any provider), configured only from the
environment. A signed-in user is matched by e-mail address to an existing account, or to
a person the area already knows (who then gets an account linked to that person). Nobody
else gets in: roles are still given in the app, never by the provider.

What the provider's ID token must show before anyone is let in: the installation's
issuer (OIDC_ISSUER), this app among its audiences (and as the authorised party when
there are several), an expiry still ahead, and the nonce of this login. The e-mail is
believed only when the provider says it is verified (`email_verified`; OIDC_TRUST_EMAIL=1
for a provider, such as an organisation's own Entra ID tenant, whose addresses are its
own and which does not send the claim). A superuser or staff account never signs on
this way, and an address that two people or two accounts share is refused until the
area's administrator fixes it. Every refusal is a Finnish message on the login page and
an entry in the use log; none is a server error."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend, default_username_algo

from yhdyspinta.accounts import use_log
from yhdyspinta.accounts.models import UseLogEntry
from yhdyspinta.parties.models import Person

User = get_user_model()
logger = logging.getLogger(__name__)
REFUSAL = "yhdyspinta_sso_refusal"


class Refused(Exception):
    """Sign-on refused, with the reason the user is shown (in their language)."""


class PersonEmailBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            _refuse(request, str(refusal))
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            logger.warning("Sign-on refused: %s", error)
            _refuse(request, _("The identity provider's answer could not be verified."))
        except requests.RequestException as error:
            logger.warning("Sign-on failed: %s", error)
            _refuse(request, _("The identity provider did not answer. Try again later."))
        return None

    def verify_token(self, token, **kwargs):
        """The signature (the library's), then what the token says (check_claims)."""
        if self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
            key = self.OIDC_RP_IDP_SIGN_KEY or self.retrieve_matching_jwk(token)
        else:
            key = self.OIDC_RP_CLIENT_SECRET
        try:
            payload = self.get_payload_data(token, key)
        except jwt.ExpiredSignatureError as error:
            raise Refused(_("The sign-on has expired. Log in again.")) from error
        check_claims(payload, nonce=kwargs.get("nonce"))
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        return user_for(claims)


def check_claims(payload: dict, *, nonce: str | None) -> None:
    """What the ID token must say (see the module's text); raises Refused."""
    client = settings.OIDC_RP_CLIENT_ID
    audiences = payload.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    if payload.get("iss") != settings.OIDC_ISSUER:
        raise Refused(_("The sign-on came from another identity provider than this service's."))
    if client not in audiences or (len(audiences) > 1 and payload.get("azp") != client):
        raise Refused(_("The sign-on was meant for another service."))
    if not isinstance(payload.get("exp"), int | float) or payload["exp"] <= time.time():
        raise Refused(_("The sign-on has expired. Log in again."))
    if not nonce or payload.get("nonce") != nonce:
        raise Refused(_("The sign-on did not belong to this login. Log in again."))


def user_for(claims: dict) -> AbstractBaseUser | None:
    """The account a verified e-mail signs on to, or a new one for the one person the
    area knows by it; raises Refused."""
    email = (claims.get("email") or "").strip()
    if not email:
        raise Refused(_("The identity provider gave no e-mail address."))
    if claims.get("email_verified") is not True and not settings.OIDC_TRUST_EMAIL:
        raise Refused(_("The identity provider has not verified your e-mail address."))
    linked = Person.objects.filter(email__iexact=email, user__isnull=False).values("user_id")
    matched = User.objects.filter(
        pk__in=User.objects.filter(email__iexact=email).values("pk").union(linked)
    )
    if any(account.is_superuser or account.is_staff for account in matched):
        raise Refused(_("A maintenance account cannot sign on this way: log in with its password."))
    accounts = [account for account in matched if account.is_active]
    people = list(Person.objects.filter(email__iexact=email, user__isnull=True))
    if len(accounts) > 1 or (not accounts and len(people) > 1):
        raise Refused(
            _(
                "The address %(email)s belongs to more than one person or account here. "
                "Ask the area's administrator to give each person their own address; "
                "then sign on again."
            )
            % {"email": email}
        )
    if accounts:
        return accounts[0]
    if not people:
        return None  # nobody the area knows: the generic message
    user = User.objects.create_user(
        username=default_username_algo(email),
        email=email,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
    user.set_unusable_password()
    user.save()
    person = people[0]
    person.user = user
    person.save(update_fields=["user"])
    return user


def _refuse(request: HttpRequest | None, reason: str) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[REFUSAL] = reason
    use_log.record(
        request, UseLogEntry.Action.LOGIN_FAILED, target=f"{_('single sign-on')}: {reason}"[:300]
    )


def refusal(request: HttpRequest) -> str:
    """The reason the last sign-on of this browser was refused, once."""
    return request.session.pop(REFUSAL, "") if hasattr(request, "session") else ""


def provider_logout_url(request: HttpRequest) -> str:
    """Where logging out sends the browser: the provider's end-session endpoint with this
    session's ID token (RP-initiated logout), so that the provider's session ends too;
    without one, the front page."""
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return resolve_url(settings.LOGOUT_REDIRECT_URL)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": settings.SITE_URL + "/",
        }
    )
    return f"{endpoint}?{query}"
