"""Records that freeze, in the database too: signed agreement versions and signatures, closed comment rounds (see yhdyspinta.core.freeze)."""

from django.db import migrations

from yhdyspinta.core.freeze import FreezeTrigger

SIGNED = (
    "EXISTS (SELECT 1 FROM agreements_agreementparty p WHERE p.version_id = {row}.version_id "
    "AND p.signed_on IS NOT NULL)"
)
VERSION_MESSAGE = "Versio on allekirjoitettu eikä voi muuttua: tee uusi versio."


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_historicalannex")]

    operations = [
        FreezeTrigger(
            name="freeze_agreementparty",
            table="agreements_agreementparty",
            frozen="{row}.signed_on IS NOT NULL",
            message="Kirjattua allekirjoitusta ei voi muuttaa eikä poistaa.",
            columns=(
                "version_id",
                "organisation_id",
                "signatory_name",
                "signatory_title",
                "approved_on",
                "approval_reference",
                "signed_on",
            ),
            self_state=True,
            # The scan and the e-signature reference may be added later, once.
            refused=(
                "(OLD.signed_copy <> '' AND NEW.signed_copy <> OLD.signed_copy) OR "
                "(OLD.e_signature_reference <> '' "
                "AND NEW.e_signature_reference <> OLD.e_signature_reference)"
            ),
        ),
        FreezeTrigger(
            name="freeze_section", table="agreements_section", frozen=SIGNED, message=VERSION_MESSAGE
        ),
        FreezeTrigger(
            name="freeze_annex", table="agreements_annex", frozen=SIGNED, message=VERSION_MESSAGE
        ),
        FreezeTrigger(
            name="freeze_comment",
            table="agreements_comment",
            frozen=(
                "EXISTS (SELECT 1 FROM agreements_commentrequest r JOIN agreements_commentround c "
                "ON c.id = r.round_id WHERE r.id = {row}.request_id AND c.status = 'closed')"
            ),
            message="Kierros on suljettu: lausuntoja ja niiden käsittelyä ei voi muuttaa.",
        ),
    ]
