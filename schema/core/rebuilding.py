"""Building the schema more than once in one process: field extensions run again cleanly.

Strawberry's field extensions change their field while a schema is built (the relay node
extension sets the resolver, the connection extension and our mutation extension append
arguments), so a second build of the same classes would trip over the first one's changes.
`rebuildable()` remembers each such field as it was before its first build; every later
build applies the extensions to a copy of it as it was, so each schema gets the same
fields as a first build would, and the field a running request uses is never changed.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_LOCK = threading.RLock()
# id(field) → (field, its resolver, arguments and type annotation before any build)
_PRISTINE: dict[int, tuple[StrawberryField, Any, list[Any], Any]] = {}
_original_from_resolver = GraphQLCoreConverter.from_resolver


def _from_resolver(self: GraphQLCoreConverter, field: StrawberryField) -> Callable[..., Any]:
    if not field.extensions:
        return _original_from_resolver(self, field)
    saved = _PRISTINE.get(id(field))
    if saved is None:  # the first build changes the field itself, once
        _PRISTINE[id(field)] = (
            field,
            field.base_resolver,
            list(field.arguments),
            field.type_annotation,
        )
        return _original_from_resolver(self, field)
    # Later builds apply the extensions to a copy as the field was, so a request running
    # on an earlier schema never sees the field half changed; the field itself already
    # has the arguments and type the extensions give (the first build's).
    twin = copy.copy(field)
    _, twin._base_resolver, arguments, twin.type_annotation = saved
    twin.arguments = list(arguments)
    return _original_from_resolver(self, twin)


@contextmanager
def rebuildable() -> Iterator[None]:
    """One schema build at a time, with every extended field as before its first build."""
    with _LOCK:
        GraphQLCoreConverter.from_resolver = _from_resolver  # type: ignore[method-assign]
        try:
            yield
        finally:
            GraphQLCoreConverter.from_resolver = _original_from_resolver  # type: ignore[method-assign]
