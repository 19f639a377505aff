from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Gives the e-mail and name claims, as Entra ID does, and whether the provider has
    verified the address: not for its users whose name begins "vahvistamaton"."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith("vahvistamaton"),
            "given_name": user.first_name,
            "family_name": user.last_name,
        }
