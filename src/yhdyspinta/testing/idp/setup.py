"""Prepare the test provider's database: python -m yhdyspinta.testing.idp.setup
REDIRECT_URI CLIENT_ID CLIENT_SECRET, then USERNAME PASSWORD EMAIL FIRST LAST ..."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.testing.idp.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402


def main(argv: list[str]) -> None:
    redirect_uri, client_id, client_secret, *people = argv
    call_command("migrate", verbosity=0)
    get_application_model().objects.create(
        name="Yhdyspinta",
        client_id=client_id,
        client_secret=client_secret,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=redirect_uri,
        # Where the provider may send the browser after ending its session: the app's
        # front page (the callback's origin).
        post_logout_redirect_uris=redirect_uri.split("/oidc/")[0] + "/",
        algorithm="RS256",
        skip_authorization=True,
    )
    for i in range(0, len(people), 5):
        username, password, email, first, last = people[i : i + 5]
        get_user_model().objects.create_user(
            username=username, password=password, email=email, first_name=first, last_name=last
        )


if __name__ == "__main__":
    main(sys.argv[1:])
