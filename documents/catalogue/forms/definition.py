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


class Widget(StrEnum):
    """How a field is entered; the names of react-jsonschema-form's `ui:widget`."""

    TEXT = "text"
    TEXTAREA = "textarea"
    SELECT = "select"
    RADIO = "radio"
    DATE = "date"
    FILE = "file"  # a paper slot of the procedure (`paper_slot`), uploaded as an attachment


class OptionHint(BaseModel):
    """The label of one allowed value of a field (an `enum` value or a `const`)."""

    value: Any
    label_vi: str
    label_en: str | None = None


class FieldHint(BaseModel):
    """How to show one field, addressed by a JSON pointer into the form data
    (e.g. `/child/fullName`); `*` stands for every item of an array
    (`/children/*/fullName`)."""

    pointer: str
    label_vi: str
    label_en: str | None = None
    sensitive: bool = False
    help_vi: str | None = None
    help_en: str | None = None
    placeholder_vi: str | None = None
    placeholder_en: str | None = None
    widget: Widget | None = None
    # With the `file` widget: the slot of the procedure's required papers it fills.
    paper_slot: str | None = None
    options: list[OptionHint] = Field(default_factory=list)
    # Maps the field to an applicant profile attribute (fullName, birthDate, address...).
    profile_attribute: str | None = None


class SectionHint(BaseModel):
    """A titled group of fields, shown in ascending `order`."""

    key: str
    title_vi: str
    title_en: str | None = None
    order: int = 0
    fields: list[str] = Field(default_factory=list)


class DisplayHints(BaseModel):
    order: list[str] = Field(default_factory=list)
    fields: list[FieldHint] = Field(default_factory=list)
    sections: list[SectionHint] = Field(default_factory=list)

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
