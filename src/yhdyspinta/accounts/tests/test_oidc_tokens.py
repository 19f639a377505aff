"""What an ID token must say before anyone is let in, and whom an e-mail signs on to:
tokens signed with a provider's key and verified by the app's backend with that key's
public half (mozilla-django-oidc's own verification), one claim wrong at a time."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

from yhdyspinta.accounts import oidc
from yhdyspinta.parties.models import Person
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db
ISSUER = "https://login.example.fi/tenant/v2.0"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend(settings):
    settings.OIDC_RP_CLIENT_ID = "yhdyspinta"
    settings.OIDC_RP_CLIENT_SECRET = "salainen"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example.fi/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example.fi/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = ""
    settings.OIDC_RP_IDP_SIGN_KEY = (
        KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_TRUST_EMAIL = False
    return oidc.PersonEmailBackend()


def _token(key=KEY, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": "yhdyspinta",
        "sub": "1",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        **claims,
    }
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, "RS256")


def test_a_token_with_every_claim_right_is_accepted(backend):
    assert backend.verify_token(_token(), nonce="n-1")["sub"] == "1"
    several = _token(aud=["yhdyspinta", "muu"], azp="yhdyspinta")
    assert backend.verify_token(several, nonce="n-1")["azp"] == "yhdyspinta"


@pytest.mark.parametrize(
    ("claims", "nonce", "said"),
    [
        ({"aud": "toinen-palvelu"}, "n-1", "tarkoitettu toiselle palvelulle"),
        ({"aud": ["yhdyspinta", "muu"], "azp": "muu"}, "n-1", "tarkoitettu toiselle"),
        ({"iss": "https://evil.example/"}, "n-1", "toiselta tunnistuspalvelulta"),
        ({"exp": int(time.time()) - 60}, "n-1", "vanhentunut"),
        ({"exp": None}, "n-1", "vanhentunut"),
        ({}, "n-2", "ei kuulunut tähän kirjautumiseen"),
        ({"nonce": None}, None, "ei kuulunut tähän kirjautumiseen"),
    ],
)
def test_a_wrong_claim_is_a_finnish_refusal(backend, claims, nonce, said):
    with pytest.raises(oidc.Refused, match=said):
        backend.verify_token(_token(**claims), nonce=nonce)


def test_a_token_signed_with_another_key_is_not_believed(backend):
    from django.core.exceptions import SuspiciousOperation

    with pytest.raises(SuspiciousOperation):
        backend.verify_token(_token(key=OTHER_KEY), nonce="n-1")


def test_whom_an_email_signs_on_to(backend, settings):
    area = factories.AreaFactory()
    person = Person.objects.create(area=area, first_name="Aino", last_name="A", email="aino@x.fi")
    claims = {"email": "Aino@X.fi", "email_verified": True, "given_name": "Aino"}
    with pytest.raises(oidc.Refused, match="ei ole vahvistanut"):
        oidc.user_for({**claims, "email_verified": False})
    user = oidc.user_for(claims)
    person.refresh_from_db()
    assert person.user == user
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert oidc.user_for(claims) == user  # the second time, the same account
    settings.OIDC_TRUST_EMAIL = True  # a tenant whose addresses are its own
    assert oidc.user_for({"email": "aino@x.fi"}) == user
    # Nobody the area knows: no account.
    assert oidc.user_for({"email": "muu@x.fi", "email_verified": True}) is None
    get_user_model().objects.create_superuser("root", "root@x.fi", "salasana-root-123")
    with pytest.raises(oidc.Refused, match="Ylläpidon tunnuksella"):
        oidc.user_for({"email": "root@x.fi", "email_verified": True})
    # One address in two areas' registers (within an area it is unique).
    for first, where in (("Jaana", area), ("Jussi", factories.AreaFactory())):
        Person.objects.create(area=where, first_name=first, last_name="J", email="jaettu@x.fi")
    with pytest.raises(oidc.Refused, match=r"jaettu@x\.fi kuuluu"):
        oidc.user_for({"email": "jaettu@x.fi", "email_verified": True})
    assert not Person.objects.filter(email="jaettu@x.fi", user__isnull=False).exists()
