"""Uploading the proof of a bank transfer for a payment order (a GraphQL multipart
request; docs/payments.md, "Bank transfer")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from documents.access.principals import PrincipalKind
from documents.dossiers.dossier import load_dossier
from documents.papers.attachments import Attachment
from documents.workflow import transfers
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.mutations import payload_mutation
from schema.dossiers.by_order import OnOrder
from schema.dossiers.mutating import Rule
from schema.dossiers.papers import AttachmentType
from schema.dossiers.presenting import present
from schema.papers.mutations import AttachmentMutation, AttachmentPayload, chunks, incoming

# The applicant uploads the proof; reception, who records payments, may upload one
# brought to the desk.
SUBMIT_PROOF = Rule(
    lambda access, dossier: (
        (access.kind is PrincipalKind.APPLICANT and access.can_view(dossier))
        or (access.kind is PrincipalKind.OFFICER and access.can_act(Action.RECORD_PAYMENT, dossier))
    ),
    "you may not submit a payment proof for this dossier",
)


class ProofMutation(OnOrder, AttachmentMutation):
    """The proof's upload: an attachment of the order's dossier."""

    async def succeeded(
        self, info: Info, arguments: Mapping[str, Any], produced: Attachment | None
    ) -> AttachmentPayload:
        if produced is None:  # removed since; proofs are not removable, so never
            return AttachmentPayload()
        return AttachmentPayload(
            attachment=AttachmentType.from_document(produced),
            dossier=await present(info, await load_dossier(produced.dossier_code)),
        )


@strawberry.type
class ProofMutations:
    @payload_mutation(
        ProofMutation(SUBMIT_PROOF),
        "Upload the proof of a bank transfer (PDF, JPEG or PNG) for a pending order paid by "
        "BANK_TRANSFER; a new proof replaces the one named before. The file follows the "
        "dossier's visibility.",
    )
    async def submit_payment_proof(
        self,
        info: Info,
        reference: str,
        file: Annotated[
            Upload,
            strawberry.argument(description="The proof, as a part of the multipart request."),
        ],
    ) -> Attachment:
        upload = incoming(file)
        try:
            return await transfers.submit_proof(
                reference,
                chunks(upload),
                info.context.actor,
                limits=info.context.attachment_limits,
                filename=upload.filename,
                declared_type=upload.content_type,
            )
        finally:
            await upload.close()
