"""Test certificates and signed results: a test CA, its valid and expired leaves, a leaf
of a CA nobody trusts, and XML (signxml) and PDF (pyHanko) results signed with them.

Everything is made here with `cryptography` when the module is imported (EC P-256 keys,
quick to make); nothing is read from outside.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from signxml import XMLSigner

SIGNER_NAME = "Sở Tư pháp thành phố Hà Nội"
SIGNER_ORGANISATION = "Ủy ban nhân dân thành phố Hà Nội"


@dataclass(frozen=True)
class Identity:
    """A certificate and its key, with the chain above it (its CA first)."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def serial_hex(self) -> str:
        return format(self.certificate.serial_number, "X")


def _name(common: str, organisation: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


# Wide enough for the tests that travel in time (`fixed_time`): the app's clock is the
# moment a signature is verified at.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
END = datetime(2100, 1, 1, tzinfo=UTC)


def make_ca(common: str) -> Identity:
    """A self-signed root CA valid this century."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common, "Test PKI")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(EPOCH)
        .not_valid_after(END)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return Identity(certificate, key)


def make_leaf(
    ca: Identity,
    common: str = SIGNER_NAME,
    organisation: str | None = SIGNER_ORGANISATION,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Identity:
    """An agency's signing certificate issued by `ca` (valid from 2001 to 2099 unless
    told otherwise)."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or EPOCH + timedelta(days=366))
        .not_valid_after(not_after or END - timedelta(days=366))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Identity(certificate, key, (ca.certificate, *ca.chain))


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def write_roots(folder: Path, *cas: Identity, as_der: bool = False) -> Path:
    """A trust-roots folder holding the CAs' certificates (PEM, or DER)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, ca in enumerate(cas):
        if as_der:
            (folder / f"root-{number}.cer").write_bytes(der(ca.certificate))
        else:
            (folder / f"root-{number}.pem").write_bytes(pem(ca.certificate))
    return folder


def signed_xml(signer: Identity, number: str = "123/2026") -> bytes:
    """A judicial-record result signed (enveloped XML-DSig) by `signer`, its chain in
    KeyInfo."""
    root = etree.fromstring(
        f"<result><number>{number}</number><issuer>{SIGNER_NAME}</issuer></result>".encode()
    )
    key = signer.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certs = [pem(signer.certificate).decode(), *(pem(c).decode() for c in signer.chain)]
    signed = XMLSigner(signature_algorithm="ecdsa-sha256").sign(root, key=key, cert=certs)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(signed)


def blank_pdf(text: str = "KET QUA") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der(certificate))


def signed_pdf(signer: Identity, text: str = "KET QUA") -> bytes:
    """A PAdES signature by `signer` over a one-page PDF, its chain embedded."""
    key = signer.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pdf_signer = signers.SimpleSigner(
        signing_cert=_asn1(signer.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in signer.chain]),
    )
    writer = IncrementalPdfFileWriter(BytesIO(blank_pdf(text)))
    meta = signers.PdfSignatureMetadata(field_name="KetQua", subfilter=None)
    output = BytesIO()

    async def sign() -> None:
        await signers.async_sign_pdf(writer, meta, signer=pdf_signer, output=output)

    # In a thread of its own: a test's event loop may be running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, sign()).result()
    return output.getvalue()


def tampered(data: bytes, marker: bytes) -> bytes:
    """`data` with one byte of the first `marker` changed (after signing)."""
    at = data.index(marker)
    changed = bytes([data[at] ^ 0x01])
    return data[:at] + changed + data[at + 1 :]


# The CA the test settings trust (conftest's `module_settings`), and one nobody trusts.
TEST_CA = make_ca("motcua test CA")
UNTRUSTED_CA = make_ca("somebody else's CA")
AGENCY = make_leaf(TEST_CA)
EXPIRED = make_leaf(TEST_CA, not_before=EPOCH, not_after=EPOCH + timedelta(days=365))
STRANGER = make_leaf(UNTRUSTED_CA)
