"""Electronic signatures of a signed agreement, validated with pyHanko against a
certificate authority made in the test: a valid signature, an expired certificate, a
document changed after signing, an authority not trusted, no signature, no PDF; then
through the party's form, the version's page, its PDF and DOCX, and the check again
after the superuser adds the authority as a trust root."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader
from weasyprint import HTML

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements import services
from yhdyspinta.agreements.models import AgreementParty, SignatureCheck, TrustRoot
from yhdyspinta.agreements.signatures import Outcome, check, trust_roots_from_pem
from yhdyspinta.testing.documents import made_document

pytestmark = pytest.mark.django_db


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FI"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testivarmentaja Oy"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


class Authority:
    """A certificate authority made in the test, and the certificates it issues."""

    def __init__(self, name: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = timezone.now()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=3650))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def signer(self, name: str, *, days_from: int = -30, days_to: int = 365):
        key = ec.generate_private_key(ec.SECP256R1())
        now = timezone.now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + timedelta(days=days_from))
            .not_valid_after(now + timedelta(days=days_to))
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        der = serialization.Encoding.DER
        return signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(
                [asn1_x509.Certificate.load(self.cert.public_bytes(der))]
            ),
        )


def _agreement_pdf() -> bytes:
    return HTML(
        string="<h1>Yhteistyösopimus</h1><p>Osapuolet sopivat yhteistyöstä.</p>"
    ).write_pdf()


def _signed(signer, content: bytes | None = None) -> bytes:
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(content or _agreement_pdf())),
        signers.PdfSignatureMetadata(field_name="Allekirjoitus"),
        signer=signer,
    )
    return out.getvalue()


def _changed_after_signing(signed: bytes) -> bytes:
    """An incremental update that adds text to the signed page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 50 50 Td (Muutettu) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def authority():
    return Authority("Testivarmentaja CA")


def _roots(authority):
    return trust_roots_from_pem(authority.pem.encode())


def test_a_valid_signature_names_the_signer_the_issuer_and_the_time(authority):
    [found] = check(_signed(authority.signer("Maija Meikäläinen")), _roots(authority))
    assert found.outcome == Outcome.VALID
    assert "Maija Meikäläinen" in found.signer
    assert "Testivarmentaja CA" in found.issuer
    assert found.signed_at is not None
    assert found.valid_from < timezone.now() < found.valid_until
    assert found.field == "Allekirjoitus"


def test_an_expired_certificate_is_flagged(authority):
    expired = authority.signer("Vanha Varmenne", days_from=-800, days_to=-400)
    [found] = check(_signed(expired), _roots(authority))
    assert found.outcome == Outcome.EXPIRED


def test_a_document_changed_after_signing_is_flagged(authority):
    signed = _signed(authority.signer("Maija Meikäläinen"))
    [found] = check(_changed_after_signing(signed), _roots(authority))
    assert found.outcome == Outcome.MODIFIED


def test_an_authority_not_trusted_is_flagged(authority):
    stranger = Authority("Tuntematon CA")
    [found] = check(_signed(stranger.signer("Maija Meikäläinen")), _roots(authority))
    assert found.outcome == Outcome.UNTRUSTED
    assert "Tuntematon CA" in found.issuer
    # Without any trust root nothing is trusted either.
    [found] = check(_signed(authority.signer("Maija Meikäläinen")), [])
    assert found.outcome == Outcome.UNTRUSTED


def test_a_second_partys_signature_leaves_the_first_valid(authority):
    first = _signed(authority.signer("Ensimmäinen Allekirjoittaja"))
    writer = IncrementalPdfFileWriter(io.BytesIO(first))
    both = signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name="Allekirjoitus2"),
        signer=authority.signer("Toinen Allekirjoittaja"),
    ).getvalue()
    outcomes = [c.outcome for c in check(both, _roots(authority))]
    assert outcomes == [Outcome.VALID, Outcome.VALID]


def test_no_signature_and_no_pdf_are_said_so():
    assert [c.outcome for c in check(_agreement_pdf(), [])] == [Outcome.NO_SIGNATURE]
    assert [c.outcome for c in check(b"%PDF-1.4\nnot really\n", [])] == [Outcome.UNREADABLE]


def test_a_trust_root_must_be_a_certificate(authority):
    TrustRoot(name="DVV", certificate=authority.pem).full_clean()
    with pytest.raises(ValidationError):
        TrustRoot(name="Roskaa", certificate="-----BEGIN CERTIFICATE-----\nabc\n").full_clean()


@pytest.mark.pages
def test_the_party_form_checks_the_copy_and_the_page_and_documents_say_it(
    client, login, demo, authority
):
    # A signed party whose copy has not arrived yet: the copy may be added once.
    party = (
        AgreementParty.objects.filter(version__agreement__area=demo["nk"], signed_copy="")
        .exclude(signed_on=None)
        .select_related("version__agreement")
        .order_by("-version__number", "pk")
        .first()
    )
    version = party.version
    kwargs = {"area": "pohjois-karjala", "pk": version.agreement_id, "number": version.number}
    login("paakayttaja")
    signed = _signed(authority.signer("Maija Meikäläinen"))
    response = client.post(
        reverse("agreements:party_edit", kwargs={**kwargs, "party": party.pk}),
        {
            "signatory_name": party.signatory_name,
            "signatory_title": party.signatory_title,
            "approved_on": party.approved_on.strftime("%d.%m.%Y"),
            "approval_reference": party.approval_reference,
            "signed_on": party.signed_on.strftime("%d.%m.%Y"),
            "signed_copy": SimpleUploadedFile("allekirjoitettu.pdf", signed, "application/pdf"),
            "e_signature_reference": party.e_signature_reference,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [checked] = SignatureCheck.objects.filter(party=party)
    assert checked.outcome == Outcome.UNTRUSTED  # no trust root set yet: never accepted
    page = client.get(reverse("agreements:version", kwargs=kwargs)).content.decode()
    assert "Sähköistä allekirjoitusta ei hyväksytty" in page
    assert "Varmenne ei johda luotettuun juurivarmenteeseen" in page

    # The superuser sets the authority as a trust root; the check again accepts it.
    TrustRoot.objects.create(name="Testivarmentaja", certificate=authority.pem)
    again = client.post(
        reverse("agreements:signatures_check", kwargs={**kwargs, "party": party.pk})
    )
    assert again.status_code == 302
    assert SignatureCheck.objects.get(party=party).outcome == Outcome.VALID
    page = client.get(reverse("agreements:version", kwargs=kwargs)).content.decode()
    assert "Sähköinen allekirjoitus voimassa" in page
    assert "Maija Meikäläinen" in page

    pdf = made_document(
        client, reverse("agreements:version_document", kwargs={**kwargs, "fmt": "pdf"})
    )
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Sähköinen allekirjoitus voimassa" in text, text[-1500:]
    word = made_document(
        client, reverse("agreements:version_document", kwargs={**kwargs, "fmt": "docx"})
    )
    cells = [
        c.text
        for table in docx.Document(io.BytesIO(word.content)).tables
        for row in table.rows
        for c in row.cells
    ]
    assert any("Sähköinen allekirjoitus voimassa" in c for c in cells)

    # A member may read the result; only a manager may check again.
    login("jasen")
    refused = client.post(
        reverse("agreements:signatures_check", kwargs={**kwargs, "party": party.pk})
    )
    assert refused.status_code == 403


def test_the_check_again_is_a_managers(demo):
    party = AgreementParty.objects.filter(version__agreement__area=demo["nk"]).first()
    with pytest.raises(PermissionDenied):
        services.signatures_check(access=Access(None), party=party)


@pytest.mark.once  # a file read in a process of its own: no database
def test_a_hostile_pdf_is_unreadable_within_bounded_memory():
    """Arrays nested 200 000 deep, and a signature whose stream unpacks to 300 MB, read
    in a process whose memory is capped at 800 MB: said unreadable, quickly."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import resource, zlib
        resource.setrlimit(resource.RLIMIT_AS, (800 * 2**20, 800 * 2**20))
        from yhdyspinta.agreements.signatures import check
        nested = b"%PDF-1.7\\n1 0 obj\\n" + b"[" * 200000 + b"]" * 200000 + b"\\nendobj\\n"
        nested += b"trailer\\n<< /Root 1 0 R >>\\n%%EOF\\n"
        bomb = zlib.compress(b"\\0" * 300_000_000, 9)
        pdf = (
            b"%PDF-1.7\\n1 0 obj\\n<< /Type /Catalog /AcroForm << /Fields [3 0 R] >> >>\\n"
            b"endobj\\n3 0 obj\\n<< /FT /Sig /T (A) /V 4 0 R >>\\nendobj\\n4 0 obj\\n"
            b"<< /Type /Sig /Filter /FlateDecode /Length " + str(len(bomb)).encode()
            + b" >>\\nstream\\n" + bomb + b"\\nendstream\\nendobj\\n"
            b"trailer\\n<< /Root 1 0 R >>\\n%%EOF\\n"
        )
        print(check(nested, [])[0].outcome, check(pdf, [])[0].outcome)
        """
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["unreadable", "unreadable"]
