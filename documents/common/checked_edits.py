"""Creating and changing an administrator-defined document known by its `code`
(procedures, procedure groups): validated and checked as a whole before it is stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from beanie import Document

from documents.common.errors import not_found
from documents.common.inserting import insert_new

D = TypeVar("D", bound=Document)


async def create_checked(
    model: type[D], fields: dict[str, Any], check: Callable[[D], Awaitable[None]], taken: str
) -> D:
    """Raises pydantic.ValidationError for malformed fields, DomainError otherwise (`taken`
    when the code is in use)."""
    document = model.model_validate(fields)
    await check(document)
    await insert_new(document, taken, "code")
    return document


async def update_checked(
    model: type[D],
    code: str,
    changes: dict[str, Any],
    check: Callable[[D], Awaitable[None]],
    what: str,
) -> D:
    """The `what` known by `code` with `changes` applied, checked as a whole; its code
    never changes."""
    current = await model.find_one({"code": code})
    if current is None:
        raise not_found(what, code, "code")
    merged = {**current.model_dump(exclude={"revision_id"}), **changes, "code": code}
    updated = model.model_validate(merged)
    await check(updated)
    await updated.replace()
    return updated
