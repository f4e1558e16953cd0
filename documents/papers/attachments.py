"""Files attached to dossiers: the applicant's papers and the results issued.

The bytes live in GridFS (`fs.files`, `fs.chunks`); an `Attachment` records what the
file is, which paper slot it fills, and where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol, Self

from beanie import Document, PydanticObjectId
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from documents.catalogue.procedures import RequiredPaper
from documents.papers.media_types import JPEG, PDF, PNG, SIGNED_XML
from documents.papers.signatures import ResultSignature, TrustRoots

MIB = 1024 * 1024


class AttachmentKind(StrEnum):
    APPLICATION = "APPLICATION"
    RESULT = "RESULT"
    # A bank transfer's proof the applicant uploads, and the e-receipt motcua issues for a
    # paid order (docs/payments.md); neither fills a paper slot.
    PAYMENT_PROOF = "PAYMENT_PROOF"
    RECEIPT = "RECEIPT"


class PaperSource(StrEnum):
    UPLOADED = "UPLOADED"
    REUSED = "REUSED"
    # Not asked for: a national database was looked up instead (docs/population.md).
    DATABASE = "DATABASE"


class PaperDigitisation(StrEnum):
    """How a paper came to be electronic (Decision 766's digitisation group,
    docs/scoreboard.md). NOT_DIGITISED is a required paper with no file."""

    NOT_DIGITISED = "NOT_DIGITISED"
    SUBMITTED_ELECTRONICALLY = "SUBMITTED_ELECTRONICALLY"  # uploaded by the applicant
    DIGITISED_AT_COUNTER = "DIGITISED_AT_COUNTER"  # scanned and uploaded by an officer
    REUSED_FROM_REPOSITORY = "REUSED_FROM_REPOSITORY"
    REUSED_FROM_RESULT = "REUSED_FROM_RESULT"
    # No file: a national database lookup stood in for it (a dossier's paper, never an
    # attachment's).
    REUSED_FROM_DATABASE = "REUSED_FROM_DATABASE"


class ReuseOrigin(BaseModel):
    """What a reused paper is, shown to those who may not open it (docs/papers.md)."""

    result: bool
    procedure_code: str
    # When the result was issued, or the paper accepted.
    issued_at: datetime


class StoredFile(Protocol):
    """An attachment or repository item, as one that shares its stored file sees it."""

    @property
    def id(self) -> PydanticObjectId | None: ...
    @property
    def file_id(self) -> PydanticObjectId: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def media_type(self) -> str: ...
    @property
    def filename(self) -> str: ...


class Attachment(Document):
    dossier_code: str
    # The required-paper slot it fills; None for results.
    slot: str | None = None
    kind: AttachmentKind = AttachmentKind.APPLICATION
    # Results only: an electronic original (bản điện tử), not a scan of a paper one.
    electronic: bool = False
    result_type: str | None = None
    # Results only: `<dossier code>-KQ(n)`, n = 1, 2 … in the order they were attached
    # (the e-data repository's key, and what the portal receives); None on others.
    result_code: str | None = None
    valid_until: date | None = None
    # Electronic results only: the verified digital signature (docs/integrations.md).
    signature: ResultSignature | None = None
    file_id: PydanticObjectId
    sha256: str
    size: int
    media_type: str
    filename: str
    uploaded_by: str | None = None
    uploaded_at: datetime
    # The repository item (or, for papers shared in a group, the attachment) whose file
    # this reuses (no copy is made).
    reused_from: PydanticObjectId | None = None
    origin: ReuseOrigin | None = None
    # How it came; None on attachments stored before it was recorded (see `came_as`).
    digitisation: PaperDigitisation | None = None
    digitised_by: str | None = None  # DIGITISED_AT_COUNTER: the officer's user

    @classmethod
    def sharing(
        cls,
        source: StoredFile,
        *,
        dossier_code: str,
        slot: str | None,
        uploaded_at: datetime,
        digitisation: PaperDigitisation,
        uploaded_by: str | None = None,
        electronic: bool = False,
        result_type: str | None = None,
        valid_until: date | None = None,
        origin: ReuseOrigin | None = None,
        digitised_by: str | None = None,
    ) -> Self:
        """A paper of dossier `dossier_code` that shares the stored file of `source`: no
        copy, and (`reused_from`) not counted twice against the dossier's size limit."""
        return cls(
            dossier_code=dossier_code,
            slot=slot,
            kind=AttachmentKind.APPLICATION,
            electronic=electronic,
            result_type=result_type,
            valid_until=valid_until,
            file_id=source.file_id,
            sha256=source.sha256,
            size=source.size,
            media_type=source.media_type,
            filename=source.filename,
            uploaded_by=uploaded_by,
            uploaded_at=uploaded_at,
            reused_from=source.id,
            origin=origin,
            digitisation=digitisation,
            digitised_by=digitised_by,
        )

    @property
    def reused(self) -> bool:
        return self.reused_from is not None

    @property
    def came_as(self) -> PaperDigitisation:
        if self.digitisation is not None:
            return self.digitisation
        if self.origin is not None and self.origin.result:
            return PaperDigitisation.REUSED_FROM_RESULT
        if self.reused:
            return PaperDigitisation.REUSED_FROM_REPOSITORY
        return PaperDigitisation.SUBMITTED_ELECTRONICALLY

    class Settings:
        name = "attachments"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("dossier_code", ASCENDING), ("_id", ASCENDING)], name="by_dossier"),
            IndexModel([("file_id", ASCENDING)], name="by_file"),
        ]


@dataclass(frozen=True)
class AttachmentLimits:
    """What may be uploaded, set per deployment (`api/settings.py`)."""

    application_media_types: frozenset[str] = frozenset({PDF, JPEG, PNG})
    result_media_types: frozenset[str] = frozenset({PDF, JPEG, PNG, SIGNED_XML})
    max_file_bytes: int = 10 * MIB
    max_dossier_bytes: int = 50 * MIB
    # The CAs an electronic result's signature must chain to (loaded at start-up).
    trust_roots: TrustRoots = field(default_factory=TrustRoots)

    def media_types(self, kind: AttachmentKind) -> frozenset[str]:
        if kind is AttachmentKind.RESULT:
            return self.result_media_types
        return self.application_media_types


@dataclass(frozen=True)
class PaperState:
    """A required paper of a dossier, and how it is satisfied (None: it is not)."""

    paper: RequiredPaper
    source: PaperSource | None


def paper_states(
    papers: list[RequiredPaper],
    attachments: list[Attachment],
    looked_up: frozenset[str] = frozenset(),
) -> list[PaperState]:
    """A slot with any uploaded file counts as uploaded; one with only repository
    files as reused; one without files whose database lookup found the applicant
    (`looked_up`) as filled from the database."""
    sources: dict[str, PaperSource] = {}
    for attachment in attachments:
        if attachment.kind is AttachmentKind.APPLICATION and attachment.slot is not None:
            if not attachment.reused:
                sources[attachment.slot] = PaperSource.UPLOADED
            else:
                sources.setdefault(attachment.slot, PaperSource.REUSED)
    for slot in looked_up:
        sources.setdefault(slot, PaperSource.DATABASE)
    return [PaperState(paper, sources.get(paper.slot)) for paper in papers]


async def attachments_of(code: str) -> list[Attachment]:
    return await Attachment.find(Attachment.dossier_code == code).sort("+_id").to_list()


async def find_attachment(code: str, attachment_id: str) -> Attachment | None:
    """The attachment `attachment_id` of the dossier `code`; None for malformed ids."""
    if not PydanticObjectId.is_valid(attachment_id):
        return None
    return await Attachment.find_one(
        Attachment.id == PydanticObjectId(attachment_id), Attachment.dossier_code == code
    )
