"""Electronic signatures of a signed agreement (PAdES), validated with pyHanko: who signed
(the certificate's subject), who vouches for them (its issuer, and whether it leads to a
trust root the installation's superuser has set), when the signature says it was made,
whether the certificate was valid, and whether the document changed after signing.

Nothing is fetched over the network (no revocation lists or OCSP): the result rests on
the file and the configured trust roots, and says so when they are not enough. The
outcome is one of `Outcome`; anything but VALID is flagged on the page in Finnish,
never accepted silently."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509
from django.db import models
from django.utils.translation import gettext_lazy as _
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

__all__ = ["Checked", "Outcome", "check", "trust_roots_from_pem"]


class Outcome(models.TextChoices):
    VALID = "valid", _("Valid")
    NO_SIGNATURE = "no_signature", _("No electronic signature in the file")
    UNREADABLE = "unreadable", _("The file could not be read as a PDF")
    INVALID = "invalid", _("The signature does not match the document")
    MODIFIED = "modified", _("The document was changed after signing")
    REVOKED = "revoked", _("The certificate has been revoked")
    EXPIRED = "expired", _("The certificate was not valid at the time of checking")
    UNTRUSTED = "untrusted", _("The certificate does not lead to a trusted root")


@dataclass(frozen=True)
class Checked:
    """One signature of the file, as validated."""

    outcome: str
    signer: str = ""
    issuer: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    signed_at: datetime | None = None  # as the signer's software reported it
    field: str = ""


def trust_roots_from_pem(pem: bytes) -> list[x509.Certificate]:
    return list(load_certs_from_pemder_data(pem))


def _outcome(status) -> str:
    if not (status.intact and status.valid):
        return Outcome.INVALID
    coverage = status.coverage
    level = status.modification_level
    # A signature added later (form filling) or the validation data of long-term
    # signatures is no change of the text; anything else is.
    if (
        coverage is None
        or coverage < SignatureCoverageLevel.ENTIRE_REVISION
        or level is None
        or level > ModificationLevel.FORM_FILLING
        or status.docmdp_ok is False
    ):
        return Outcome.MODIFIED
    if status.revoked or status.trust_problem_indic in (
        AdESFailure.REVOKED,
        AdESIndeterminate.REVOKED_NO_POE,
        AdESIndeterminate.REVOKED_CA_NO_POE,
    ):
        return Outcome.REVOKED
    if status.trust_problem_indic in (
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.NOT_YET_VALID,
        AdESFailure.NOT_YET_VALID,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    ):
        return Outcome.EXPIRED
    if not status.trusted:
        return Outcome.UNTRUSTED
    return Outcome.VALID


def check(
    content: bytes, trust_roots: list[x509.Certificate], at: datetime | None = None
) -> list[Checked]:
    """Every signature of the PDF, validated against the trust roots (at `at`, now by
    default); one UNREADABLE or NO_SIGNATURE result when there is none to validate."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # any parse failure of a hostile file
        logger.info("A signed copy could not be read: %s", error)
        return [Checked(outcome=Outcome.UNREADABLE)]
    if not signatures:
        return [Checked(outcome=Outcome.NO_SIGNATURE)]
    found = []
    for embedded in signatures:
        context = ValidationContext(
            trust_roots=trust_roots, allow_fetching=False, moment=at, revocation_mode="soft-fail"
        )
        cert = embedded.signer_cert
        validity = cert["tbs_certificate"]["validity"]
        try:
            status = validate_pdf_signature(embedded, context)
            outcome = _outcome(status)
            signed_at = status.signer_reported_dt
        except Exception as error:  # a malformed signature is no signature
            logger.info("A signature could not be validated: %s", error)
            outcome, signed_at = Outcome.INVALID, None
        found.append(
            Checked(
                outcome=outcome,
                signer=cert.subject.human_friendly,
                issuer=cert.issuer.human_friendly,
                valid_from=validity["not_before"].native,
                valid_until=validity["not_after"].native,
                signed_at=signed_at,
                field=embedded.field_name or "",
            )
        )
    return found
