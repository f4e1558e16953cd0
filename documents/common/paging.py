"""Page sizes: no list, connection or search returns more than `MAX_PAGE` items, and a
connection is read forwards (`first`) or backwards (`last`), never both at once."""

from __future__ import annotations

MAX_PAGE = 100


def page_size(first: int) -> int:
    """`first` brought into 0..MAX_PAGE."""
    return max(0, min(first, MAX_PAGE))


DEFAULT_PAGE = 20


def direction(first: int | None, last: int | None) -> tuple[int, bool]:
    """The page size and whether to read backwards, from a connection's `first` and
    `last` (neither: the first DEFAULT_PAGE). Both at once is refused, as Relay's
    specification strongly discourages it and its meaning is unclear."""
    if first is not None and last is not None:
        raise ValueError("pass `first` or `last`, not both")
    for name, size in (("first", first), ("last", last)):
        if size is not None and size < 0:
            raise ValueError(f"{name} must not be negative")
    if last is not None:
        return page_size(last), True
    return page_size(DEFAULT_PAGE if first is None else first), False
