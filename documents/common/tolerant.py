"""Reading what this version can: stored documents are validated one at a time, and one
that does not validate (written by a newer version during a rolling upgrade, or damaged)
is skipped, counted and logged instead of stopping a page, a worker or the hub.

Extra fields need nothing: every model ignores fields it does not declare (pydantic's
default, checked by a test). What a model cannot ignore is a value it cannot hold: an
unknown enum value (an event type, a status), a missing field, a wrong type.

The log line names the collection, the document's `_id` and which top-level fields
failed and how (pydantic's error type), never a value: pydantic's own message quotes
the input, which may be personal data (docs/durability.md).
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from beanie import Document
from beanie.odm.queries.find import FindMany
from bson import ObjectId
from pydantic import BaseModel, ValidationError

from documents.common.errors import DomainError, ErrorCode

logger = logging.getLogger("motcua.documents")

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", bound=Document)

# Documents skipped since the process started, by collection: the metrics read it.
UNREADABLE: Counter[str] = Counter()
# Each document is logged once per process, however often a page meets it.
_LOGGED: OrderedDict[tuple[str, str], None] = OrderedDict()
_LOGGED_CAP = 4096


@dataclass(frozen=True)
class Unreadable:
    """A stored document this version could not read: where it is, never what it holds."""

    collection: str
    # The `_id` as text when it is an ObjectId (ours always are); None otherwise.
    id: str | None
    # "field: error type" for each complaint, e.g. "type: enum".
    problems: tuple[str, ...] = ()


@dataclass
class UnreadableDocumentError(DomainError):
    """Raised where one document was asked for and it cannot be read."""

    document: Unreadable | None = field(default=None, kw_only=True)


def unreadable_error(item: Unreadable, what: str) -> UnreadableDocumentError:
    return UnreadableDocumentError(
        ErrorCode.UNREADABLE_DOCUMENT,
        f"this version cannot read the stored {what}",
        document=item,
    )


def collection_of(model: type[BaseModel]) -> str:
    settings = getattr(model, "Settings", None)
    name = getattr(settings, "name", None)
    return name if isinstance(name, str) else model.__name__


def _id_text(raw: Mapping[str, Any]) -> str | None:
    ident = raw.get("_id")
    return str(ident) if isinstance(ident, ObjectId) else None


def _problems(error: ValidationError) -> tuple[str, ...]:
    found: list[str] = []
    for issue in error.errors(include_url=False, include_context=False, include_input=False):
        location = issue["loc"]
        # Only the top-level name: it is the model's own; deeper keys may be data.
        where = location[0] if location and isinstance(location[0], str) else "-"
        text = f"{where}: {issue['type']}"
        if text not in found:
            found.append(text)
    return tuple(found[:5])


def note(model: type[BaseModel], raw: Mapping[str, Any], error: ValidationError) -> Unreadable:
    """Count and (once per document) log a document `model` could not read."""
    item = Unreadable(collection_of(model), _id_text(raw), _problems(error))
    UNREADABLE[item.collection] += 1
    key = (item.collection, item.id or "-")
    if key not in _LOGGED:
        _LOGGED[key] = None
        if len(_LOGGED) > _LOGGED_CAP:
            _LOGGED.popitem(last=False)
        logger.warning(
            "skipped a document of %s that this version cannot read: _id %s (%s)",
            item.collection,
            item.id or "-",
            "; ".join(item.problems) or "invalid",
        )
    return item


def read(model: type[M], raw: Mapping[str, Any]) -> M | Unreadable:
    """The document as `model`, or what is known of it when it does not validate."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        return note(model, raw, error)


def read_or_none(model: type[M], raw: Mapping[str, Any] | None) -> M | None:
    """The document, or None when there is none or it cannot be read (counted)."""
    if raw is None:
        return None
    found = read(model, raw)
    return None if isinstance(found, Unreadable) else found


def read_all(model: type[M], raws: Iterable[Mapping[str, Any]]) -> list[M]:
    """The documents that can be read, in order; the others skipped and counted."""
    found = (read(model, raw) for raw in raws)
    return [item for item in found if not isinstance(item, Unreadable)]


async def readable(query: FindMany[D]) -> list[D]:
    """Runs a Beanie query like `.to_list()`, skipping (and counting) the documents that
    do not validate instead of failing on the first."""
    cursor = await query.get_cursor()
    if cursor is None:
        return []
    model: type[D] = query.projection_model
    return read_all(model, await cursor.to_list())


async def read_one(model: type[D], query: Mapping[str, Any]) -> D | Unreadable | None:
    """The one document matching `query`: read, known to be unreadable, or None."""
    raw = await model.get_pymongo_collection().find_one(query)
    return None if raw is None else read(model, raw)
