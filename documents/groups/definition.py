"""A procedure group: member procedures, allowed combinations, which result feeds which
member, the group deadline and one combined form (docs/groups.md)."""

from __future__ import annotations

from typing import Annotated, Any

from beanie import Document, Indexed
from pydantic import BaseModel, Field


class GroupMember(BaseModel):
    """A member procedure. `mapping` derives its form data from the combined form:
    JSON pointer into the member's data -> JSON pointer into the combined data."""

    procedure_code: str
    required: bool = False
    mapping: dict[str, str] = Field(default_factory=dict)


class Feed(BaseModel):
    """`to_procedure` waits for the result of `from_procedure`; `fields` fills its data:
    JSON pointer into the waiting member's data -> JSON pointer into the result's data.
    The result (of `result_type`, when named) is reused as one of its papers."""

    from_procedure: str
    to_procedure: str
    fields: dict[str, str] = Field(default_factory=dict)
    result_type: str | None = None


class ProcedureGroup(Document):
    code: Annotated[str, Indexed(unique=True)]
    name: str
    members: list[GroupMember]
    # Allowed sets of member procedure codes; empty allows any set of two or more that
    # holds every required member.
    combinations: list[list[str]] = Field(default_factory=list)
    feeds: list[Feed] = Field(default_factory=list)
    processing_days: int = Field(ge=0)
    verification_days: int = Field(ge=0)  # when verification is needed (the longer one)
    combined_form: dict[str, Any]  # a JSON Schema (draft 2020-12)
    active: bool = True

    class Settings:
        name = "procedure_groups"
