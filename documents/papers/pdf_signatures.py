"""PAdES verification of an electronic result (pyHanko), against the trust roots.

Every signature in the PDF must be intact and cryptographically valid, cover its whole
revision with nothing but further signatures or form filling after it, and chain to a
trust root. The last signature (the one applied last, usually the issuing agency's) is
the one recorded. No OCSP or CRL is fetched (documents/papers/signatures.py).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from io import BytesIO

from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESSubIndic
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from documents.common.errors import ErrorCode
from documents.papers.signatures import (
    EXPIRED_MESSAGE,
    UNTRUSTED_MESSAGE,
    ResultSignature,
    SignatureFormat,
    TrustRoots,
    described,
    invalid,
    refused,
)

# Agencies' signing certificates assert either usage (ETSI EN 319 412-2 asks for
# non-repudiation on certificates for signing documents).
_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
_EXPIRED = frozenset(
    {
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    }
)
_NOT_YET_VALID = frozenset({AdESFailure.NOT_YET_VALID, AdESIndeterminate.NOT_YET_VALID})


def _judge(status: PdfSignatureStatus) -> None:
    if not (status.intact and status.valid):
        raise invalid("the signature does not match the document: it was changed")
    coverage = status.coverage
    if coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        raise invalid("the signature does not cover the whole document")
    level = status.modification_level
    if coverage is SignatureCoverageLevel.ENTIRE_REVISION and (
        level is None or level.value > ModificationLevel.FORM_FILLING.value
    ):
        raise invalid("the document was changed after it was signed")
    if status.docmdp_ok is False:
        raise invalid("the document was changed as its certification does not allow")
    problem: AdESSubIndic | None = status.trust_problem_indic
    if problem in _EXPIRED:
        raise refused(ErrorCode.RESULT_SIGNATURE_EXPIRED, EXPIRED_MESSAGE)
    if problem in _NOT_YET_VALID:
        raise invalid("the signing certificate is not yet valid")
    if problem is not None or not status.trusted:
        raise refused(ErrorCode.RESULT_SIGNATURE_UNTRUSTED, UNTRUSTED_MESSAGE)


async def _statuses(data: bytes, roots: TrustRoots, now: datetime) -> list[PdfSignatureStatus]:
    reader = PdfFileReader(BytesIO(data), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        raise invalid("the PDF carries no digital signature")
    context = roots.context(now)
    return [
        await async_validate_pdf_signature(
            signature, signer_validation_context=context, key_usage_settings=_USAGE
        )
        for signature in signatures
    ]


def verify_pdf(data: bytes, roots: TrustRoots, now: datetime) -> ResultSignature:
    """The last signer of a PDF result; DomainError when a signature does not hold."""
    try:
        statuses = asyncio.run(_statuses(data, roots, now))
    except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError) as error:
        # A malformed file: pyHanko's parser raises several kinds.
        raise invalid("the PDF or its signature is malformed") from error
    for status in statuses:
        _judge(status)
    last = statuses[-1]
    timestamp = last.timestamp_validity
    signed_at = timestamp.timestamp if timestamp is not None else last.signer_reported_dt
    certificate = x509.load_der_x509_certificate(last.signing_cert.dump())
    return described(certificate, SignatureFormat.PADES, signed_at, now)
