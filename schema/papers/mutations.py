"""Uploading papers and results (GraphQL multipart requests), and removing papers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Annotated, Any, Protocol, cast

import strawberry
from beanie import PydanticObjectId
from strawberry.file_uploads import Upload

from documents.access.policy import Access
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier, load_dossier
from documents.papers import attaching
from documents.papers.attachments import Attachment, find_attachment
from documents.papers.grid_files import CHUNK_BYTES
from schema.core.context import Info
from schema.core.mutations import payload_mutation
from schema.dossiers.mutating import DossierError, OnDossier, Rule, dossier_mutation
from schema.dossiers.papers import AttachmentType, attachment_key
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierType


class IncomingFile(Protocol):
    """What Starlette hands over for an `Upload` (a spooled temporary file)."""

    filename: str | None
    content_type: str | None
    size: int | None

    async def read(self, size: int = -1) -> bytes: ...

    async def close(self) -> None: ...


@strawberry.type(description="The attachment added, and the dossier as it is now.")
class AttachmentPayload:
    attachment: AttachmentType | None = strawberry.field(
        default=None,
        description="The attachment as it is now; null when there are errors.",
    )
    dossier: DossierType | None = strawberry.field(
        default=None,
        description="The dossier as it is now; null when there are errors.",
    )
    errors: list[DossierError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


def incoming(file: Upload) -> IncomingFile:
    if not callable(getattr(file, "read", None)):
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "send the file as a GraphQL multipart upload", "file"
        )
    return cast("IncomingFile", file)


async def chunks(file: IncomingFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK_BYTES):
        yield chunk


class AttachmentMutation(OnDossier[Attachment | None]):
    """Adding a file to the dossier named by `code`: the resolver returns the
    attachment; an idempotency record keeps its id, so a retry stores nothing again."""

    payload = AttachmentPayload

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        incoming(arguments["file"])
        await super().admit(info, arguments)

    def remember(self, produced: Attachment | None) -> str:
        assert produced is not None  # the resolvers always return one
        return str(produced.id)

    async def recall(self, remembered: str) -> Attachment | None:
        return await Attachment.get(PydanticObjectId(remembered))  # None once removed

    def remember_committed(self, arguments: Mapping[str, Any], returned: object) -> str | None:
        return str(returned.id) if isinstance(returned, Attachment) else None

    async def succeeded(
        self, info: Info, arguments: Mapping[str, Any], produced: Attachment | None
    ) -> AttachmentPayload:
        return AttachmentPayload(
            attachment=AttachmentType.from_document(produced) if produced else None,
            dossier=await present(info, await load_dossier(arguments["code"])),
        )


ATTACH = Rule(Access.can_attach, "you may not attach files to this dossier")
ATTACH_RESULT = Rule(Access.can_attach_result, "you may not attach files to this dossier")
REMOVE = Rule(Access.can_attach, "you may not remove files from this dossier")


@strawberry.type
class AttachmentMutations:
    @payload_mutation(
        AttachmentMutation(ATTACH),
        "Attach a paper (PDF, JPEG or PNG) to a slot of the dossier, as a GraphQL multipart "
        "request; by the applicant or reception, until accepted.",
    )
    async def upload_attachment(
        self,
        info: Info,
        code: str,
        slot: str,
        file: Annotated[
            Upload, strawberry.argument(description="The file, as a part of the multipart request.")
        ],
    ) -> Attachment:
        upload = incoming(file)
        try:
            return await attaching.upload_attachment(
                code,
                slot,
                chunks(upload),
                info.context.actor,
                limits=info.context.attachment_limits,
                filename=upload.filename,
                declared_type=upload.content_type,
            )
        finally:
            await upload.close()

    @payload_mutation(
        AttachmentMutation(ATTACH_RESULT),
        "Attach the result issued (PDF, image, or XML signed with XML-DSig); it is added to "
        "the applicant's e-data repository.",
    )
    async def attach_result(
        self,
        info: Info,
        code: str,
        file: Annotated[
            Upload, strawberry.argument(description="The file, as a part of the multipart request.")
        ],
        result_type: str,
        electronic: Annotated[
            bool,
            strawberry.argument(description="A signed electronic result (verified), not a scan."),
        ],
        valid_until: Annotated[
            date | None,
            strawberry.argument(
                description="The last day the result is valid; null if it does not expire."
            ),
        ] = None,
    ) -> Attachment:
        upload = incoming(file)
        try:
            return await attaching.attach_result(
                code,
                chunks(upload),
                info.context.actor,
                result_type=result_type,
                electronic=electronic,
                valid_until=valid_until,
                limits=info.context.attachment_limits,
                filename=upload.filename,
                declared_type=upload.content_type,
            )
        finally:
            await upload.close()

    @dossier_mutation(REMOVE, "Remove a paper while the dossier is RECEIVED.", idempotent=False)
    async def remove_attachment(
        self, info: Info, code: str, attachment_id: strawberry.ID
    ) -> Dossier:
        access = await info.context.access()
        ident = attachment_key(attachment_id)
        found = await find_attachment(code, ident)
        if found is not None and not access.can_open(await load_dossier(code), found):
            # A reused paper the caller may not open is as unknown as a made-up id: its
            # removal event would show them its name and hash.
            raise DomainError(ErrorCode.NOT_FOUND, "no such attachment", "attachmentId")
        return await attaching.remove_attachment(code, ident, info.context.actor)
