"""Uploading papers and results (GraphQL multipart requests), and removing papers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any, Protocol, cast

import strawberry
from beanie import PydanticObjectId
from strawberry.file_uploads import Upload

from documents.access.idempotency import request_hash, run_once
from documents.access.policy import Access
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier, load_dossier
from documents.papers import attaching
from documents.papers.attachments import Attachment
from documents.papers.grid_files import CHUNK_BYTES
from schema.core.context import Info
from schema.core.errors import errors_from
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.guarded import DossierError, DossierPayload, IdempotencyKey
from schema.dossiers.papers import AttachmentType
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierType
from schema.dossiers.visibility import visible_dossier


class IncomingFile(Protocol):
    """What Starlette hands over for an `Upload` (a spooled temporary file)."""

    filename: str | None
    content_type: str | None
    size: int | None

    async def read(self, size: int = -1) -> bytes: ...

    async def close(self) -> None: ...


@strawberry.type(description="The attachment added, and the dossier as it is now.")
class AttachmentPayload:
    attachment: AttachmentType | None = None
    dossier: DossierType | None = None
    errors: list[DossierError] = strawberry.field(default_factory=list)


def incoming(file: Upload) -> IncomingFile:
    if not callable(getattr(file, "read", None)):
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "send the file as a GraphQL multipart upload", "file"
        )
    return cast("IncomingFile", file)


async def chunks(file: IncomingFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK_BYTES):
        yield chunk


def _fingerprint(file: IncomingFile) -> dict[str, Any]:
    return {"filename": file.filename, "size": file.size, "contentType": file.content_type}


async def _attach(
    info: Info,
    code: str,
    allowed: Callable[[Access, Dossier], bool],
    work: Callable[[], Awaitable[Attachment]],
    key: str | None,
    operation: str,
    arguments: dict[str, Any],
) -> AttachmentPayload:
    """Unknown and invisible dossiers are the same NOT_FOUND; visible but not yours to
    attach to is a top-level FORBIDDEN."""
    info.context.audit.targets.append(f"dossier:{code}")
    access = await info.context.access()
    try:
        dossier = await visible_dossier(info, code)
    except DomainError as error:
        return AttachmentPayload(errors=errors_from(DossierError, error))
    if not allowed(access, dossier):
        raise PermissionDeniedError("you may not attach files to this dossier")

    async def attach() -> str:
        return str((await work()).id)

    try:
        if key is None:
            attachment_id = await attach()
        else:
            if not 1 <= len(key) <= 200:
                raise DomainError(
                    ErrorCode.VALIDATION_FAILED, "1 to 200 characters", "idempotencyKey"
                )
            principal = info.context.principal
            scope = f"{principal.kind.value}:{principal.subject}|{key}"
            attachment_id = await run_once(scope, request_hash(operation, arguments), attach)
    except DomainError as error:
        current = await present(info, await load_dossier(code))
        return AttachmentPayload(dossier=current, errors=errors_from(DossierError, error))
    attachment = await Attachment.get(PydanticObjectId(attachment_id))
    return AttachmentPayload(
        attachment=AttachmentType.from_document(attachment) if attachment else None,
        dossier=await present(info, await load_dossier(code)),
    )


@strawberry.type
class AttachmentMutations:
    @strawberry.mutation(
        description="Attach a paper (PDF, JPEG or PNG) to a slot of the dossier, as a "
        "GraphQL multipart request; by the applicant or reception, until accepted."
    )
    async def upload_attachment(
        self,
        info: Info,
        code: str,
        slot: str,
        file: Upload,
        idempotency_key: IdempotencyKey = None,
    ) -> AttachmentPayload:
        actor = info.context.actor
        try:
            upload = incoming(file)
        except DomainError as error:
            return AttachmentPayload(errors=errors_from(DossierError, error))
        try:
            return await _attach(
                info, code, Access.can_attach,
                lambda: attaching.upload_attachment(
                    code, slot, chunks(upload), actor,
                    filename=upload.filename, declared_type=upload.content_type,
                ),
                idempotency_key, "UPLOAD_ATTACHMENT",
                {"code": code, "slot": slot, **_fingerprint(upload)},
            )  # fmt: skip
        finally:
            await upload.close()

    @strawberry.mutation(
        description="Attach the result issued (PDF, image, or XML signed with XML-DSig); "
        "it is added to the applicant's e-data repository."
    )
    async def attach_result(
        self,
        info: Info,
        code: str,
        file: Upload,
        result_type: str,
        electronic: bool,
        valid_until: date | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> AttachmentPayload:
        actor = info.context.actor
        try:
            upload = incoming(file)
        except DomainError as error:
            return AttachmentPayload(errors=errors_from(DossierError, error))
        arguments = {"code": code, "resultType": result_type, "electronic": electronic}
        try:
            return await _attach(
                info, code, Access.can_attach_result,
                lambda: attaching.attach_result(
                    code, chunks(upload), actor,
                    result_type=result_type, electronic=electronic, valid_until=valid_until,
                    filename=upload.filename, declared_type=upload.content_type,
                ),
                idempotency_key, "ATTACH_RESULT",
                {**arguments, "validUntil": valid_until, **_fingerprint(upload)},
            )  # fmt: skip
        finally:
            await upload.close()

    @strawberry.mutation(description="Remove a paper while the dossier is RECEIVED.")
    async def remove_attachment(
        self, info: Info, code: str, attachment_id: strawberry.ID
    ) -> DossierPayload:
        info.context.audit.targets.append(f"dossier:{code}")
        access = await info.context.access()
        try:
            dossier = await visible_dossier(info, code)
        except DomainError as error:
            return DossierPayload(errors=errors_from(DossierError, error))
        if not access.can_attach(dossier):
            raise PermissionDeniedError("you may not remove files from this dossier")
        try:
            await attaching.remove_attachment(code, str(attachment_id), info.context.actor)
        except DomainError as error:
            return DossierPayload(
                dossier=await present(info, dossier), errors=errors_from(DossierError, error)
            )
        return DossierPayload(dossier=await present(info, await load_dossier(code)))
