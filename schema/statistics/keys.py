"""The keys behind the ids of statistics rows: a row is named by what was asked (the
range, the scope as resolved for the caller) and its own key, so the same figures keep
one id and two rows of one answer never share it (docs/relay.md)."""

from __future__ import annotations

import hashlib
from datetime import date

from documents.statistics import indicators as domain


def scope_key(scope: domain.Scope) -> str:
    """Short and stable: an agency's subtree may hold hundreds of codes, so they are hashed."""
    if scope.agency_codes is None:
        agencies = "*"
    else:
        joined = ",".join(sorted(scope.agency_codes)).encode()
        agencies = hashlib.sha256(joined).hexdigest()[:16]
    return f"{agencies}:{scope.procedure_code or '*'}"


def range_key(start: date, end: date) -> str:
    return f"{start.isoformat()}:{end.isoformat()}"
