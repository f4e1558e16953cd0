"""One group submission: its code, the member dossiers and the group's clock."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, Indexed
from pydantic import BaseModel, Field


class GroupStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    PARTLY_DONE = "PARTLY_DONE"
    DONE = "DONE"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"


class GroupMemberDossier(BaseModel):
    procedure_code: str
    dossier_code: str
    agency_code: str  # the competent (handling) agency
    # The members whose results it waits for (empty: received at once).
    waits_for: list[str] = Field(default_factory=list)


class DossierGroup(Document):
    """A code of the same format as a dossier code (`<agency>-<yymmdd>-<nnnn>`), from the
    same counter, so a group code and a dossier code never collide."""

    code: Annotated[str, Indexed(unique=True)]
    group_code: str  # the ProcedureGroup
    receiving_agency_code: str
    applicant_id: Annotated[str, Indexed()]
    members: list[GroupMemberDossier]
    data: dict[str, Any] = Field(default_factory=dict)  # the combined form's data
    verification: bool = False
    received_at: datetime
    due_at: datetime
    status: GroupStatus = GroupStatus.IN_PROGRESS
    finished_at: datetime | None = None

    class Settings:
        name = "dossier_groups"
