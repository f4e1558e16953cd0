"""The verified digital signature of an electronic result, as a GraphQL type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from documents.papers.signatures import ResultSignature, SignatureFormat
from schema.core.global_ids import derived_id

strawberry.enum(SignatureFormat, name="ResultSignatureFormat", description="XML-DSig or PAdES.")


@strawberry.type(
    name="ResultSignature",
    description="Who signed an electronic result, verified when it was attached "
    "(docs/integrations.md, Signed results).",
)
class ResultSignatureType:
    id: strawberry.ID = strawberry.field(
        description="Derived from its attachment's key (one signature per attachment), for "
        "caches; not a `Node` (docs/relay.md)."
    )
    format: SignatureFormat = strawberry.field(description="XML-DSig or PAdES.")
    signer: str | None = strawberry.field(description="The certificate subject's common name.")
    organisation: str | None = strawberry.field(description="The certificate subject's O.")
    subject: str = strawberry.field(description="The certificate subject (RFC 4514).")
    issuer: str = strawberry.field(description="The issuing CA (RFC 4514).")
    serial: str = strawberry.field(description="The certificate's serial number, in hex.")
    valid_from: datetime = strawberry.field(
        description="The certificate is valid from this moment."
    )
    valid_until: datetime = strawberry.field(
        description="The certificate is valid until this moment."
    )
    signed_at: datetime | None = strawberry.field(
        description="The signing time the signature states (a timestamp's when it has one)."
    )
    valid_at_signing: bool = strawberry.field(
        description="The certificate was valid at `signedAt` (or, with none, when verified)."
    )
    verified_at: datetime = strawberry.field(description="When the server verified it.")

    @classmethod
    def from_document(cls, signature: ResultSignature, attachment_key: str) -> ResultSignatureType:
        return cls(id=derived_id("ResultSignature", attachment_key), **signature.model_dump())
