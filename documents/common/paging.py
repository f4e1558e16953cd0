"""The page-size cap: no list, connection or search returns more than `MAX_PAGE` items."""

from __future__ import annotations

MAX_PAGE = 100


def page_size(first: int) -> int:
    """`first` brought into 0..MAX_PAGE."""
    return max(0, min(first, MAX_PAGE))
