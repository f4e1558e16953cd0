"""The verified digital signature of an electronic result, as a GraphQL type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from documents.papers.signatures import ResultSignature, SignatureFormat

strawberry.enum(SignatureFormat, name="ResultSignatureFormat", description="XML-DSig or PAdES.")


@strawberry.type(
    name="ResultSignature",
    description="Who signed an electronic result, verified when it was attached "
    "(docs/integrations.md, Signed results).",
)
class ResultSignatureType:
    format: SignatureFormat
    signer: str | None = strawberry.field(description="The certificate subject's common name.")
    organisation: str | None = strawberry.field(description="The certificate subject's O.")
    subject: str = strawberry.field(description="The certificate subject (RFC 4514).")
    issuer: str = strawberry.field(description="The issuing CA (RFC 4514).")
    serial: str = strawberry.field(description="The certificate's serial number, in hex.")
    valid_from: datetime
    valid_until: datetime
    signed_at: datetime | None = strawberry.field(
        description="The signing time the signature states (a timestamp's when it has one)."
    )
    valid_at_signing: bool = strawberry.field(
        description="The certificate was valid at `signedAt` (or, with none, when verified)."
    )
    verified_at: datetime

    @classmethod
    def from_document(cls, signature: ResultSignature) -> ResultSignatureType:
        return cls(**signature.model_dump())
