"""What verifying an electronic result's digital signature gives (the signer's details,
or a typed refusal), the trust roots it is checked against, and the chain check.

Verification is offline: certificate chains are built only from the certificates the
file carries and the trust roots, and no OCSP responder or CRL is ever fetched
(docs/integrations.md, "Signed results").
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pydantic import BaseModel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
)

from documents.common.errors import DomainError, ErrorCode

# pyHanko, its certificate validator and signxml name the signer's certificate in what
# they log when a check fails; the outcome is reported as a typed error instead.
for _library in ("pyhanko", "pyhanko_certvalidator", "signxml"):
    logging.getLogger(_library).setLevel(logging.CRITICAL + 1)


class SignatureFormat(StrEnum):
    XML_DSIG = "XML_DSIG"
    PADES = "PADES"


class ResultSignature(BaseModel):
    """Who signed an electronic result, and with which certificate. The agency's
    certificate, not the applicant's data; still never logged."""

    format: SignatureFormat
    # The certificate subject's common name and organisation.
    signer: str | None
    organisation: str | None
    subject: str  # RFC 4514
    issuer: str  # RFC 4514
    serial: str  # upper-case hex, as certificate tools show it
    valid_from: datetime
    valid_until: datetime
    # The signing time the signature states (a timestamp's, when it has one); None
    # when it states none.
    signed_at: datetime | None
    # The certificate's validity covered `signed_at` (or, when the signature states no
    # time, the moment it was verified).
    valid_at_signing: bool
    verified_at: datetime


@dataclass(frozen=True)
class TrustRoots:
    """The CA certificates (DER) a deployment trusts to sign results; loaded once at
    start-up from `trust_roots_dir` (api/trust_roots.py). Empty: none is trusted."""

    certificates: tuple[bytes, ...] = ()

    def context(self, moment: datetime) -> ValidationContext:
        """A validation context at `moment` that never goes online: no certificate,
        CRL or OCSP fetching, and missing revocation data is not a failure."""
        return ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(der) for der in self.certificates],
            moment=moment,
            allow_fetching=False,
            revocation_mode="soft-fail",
        )


def refused(code: ErrorCode, message: str) -> DomainError:
    return DomainError(code, message, "file")


def invalid(message: str) -> DomainError:
    return refused(ErrorCode.RESULT_SIGNATURE_INVALID, message)


EXPIRED_MESSAGE = "the signing certificate has expired"
UNTRUSTED_MESSAGE = "the signing certificate does not chain to a trusted root"


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def check_chain(
    leaf: x509.Certificate, others: list[x509.Certificate], roots: TrustRoots, moment: datetime
) -> None:
    """Raise the typed refusal unless `leaf` is valid at `moment`, may sign, and chains
    (through `others`) to a trust root."""
    validator = CertificateValidator(
        to_asn1(leaf),
        intermediate_certs=[to_asn1(c) for c in others],
        validation_context=roots.context(moment),
    )
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except ExpiredError as error:
        raise refused(ErrorCode.RESULT_SIGNATURE_EXPIRED, EXPIRED_MESSAGE) from error
    except NotYetValidError as error:
        raise invalid("the signing certificate is not yet valid") from error
    except InvalidCertificateError as error:
        raise invalid("the signing certificate may not sign documents") from error
    except (PathBuildingError, PathValidationError) as error:
        raise refused(ErrorCode.RESULT_SIGNATURE_UNTRUSTED, UNTRUSTED_MESSAGE) from error


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    found = name.get_attributes_for_oid(oid)
    return str(found[0].value) if found else None


def described(
    certificate: x509.Certificate,
    form: SignatureFormat,
    signed_at: datetime | None,
    verified_at: datetime,
) -> ResultSignature:
    """The signer's details from their certificate."""
    starts, ends = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    at = signed_at or verified_at
    return ResultSignature(
        format=form,
        signer=_attribute(certificate.subject, NameOID.COMMON_NAME),
        organisation=_attribute(certificate.subject, NameOID.ORGANIZATION_NAME),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "X"),
        valid_from=starts,
        valid_until=ends,
        signed_at=signed_at,
        valid_at_signing=starts <= at <= ends,
        verified_at=verified_at,
    )
