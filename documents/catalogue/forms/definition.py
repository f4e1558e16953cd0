"""Admin-defined forms: a JSON Schema (draft 2020-12) plus display hints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from documents.common.tolerant import readable


class FormStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    RETIRED = "RETIRED"


class FieldHint(BaseModel):
    """How to show one field, addressed by its JSON pointer (e.g. `/child/fullName`)."""

    pointer: str
    label_vi: str
    label_en: str | None = None
    sensitive: bool = False
    help_vi: str | None = None
    # Maps the field to an applicant profile attribute (fullName, birthDate, address...).
    profile_attribute: str | None = None


class DisplayHints(BaseModel):
    order: list[str] = Field(default_factory=list)
    fields: list[FieldHint] = Field(default_factory=list)

    def sensitive_pointers(self) -> list[str]:
        return [hint.pointer for hint in self.fields if hint.sensitive]


class FormSchema(Document):
    key: str
    # None while a draft; publishing assigns the next integer version for the key.
    version: int | None = None
    title: str
    json_schema: dict[str, Any]
    hints: DisplayHints = Field(default_factory=DisplayHints)
    status: FormStatus = FormStatus.DRAFT
    created_at: datetime
    published_at: datetime | None = None
    retired_at: datetime | None = None

    class Settings:
        name = "forms"
        use_revision = True
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("key", ASCENDING), ("version", DESCENDING)], name="key_version"),
            IndexModel([("key", ASCENDING), ("status", ASCENDING)], name="key_status"),
        ]


async def forms_with_key(key: str) -> list[FormSchema]:
    """Every version of a form, drafts last."""
    found = await readable(FormSchema.find(FormSchema.key == key))
    return sorted(found, key=lambda f: (f.version is None, f.version or 0, f.created_at))
