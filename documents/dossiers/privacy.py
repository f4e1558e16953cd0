"""Masking personal data for viewers who may not see it in full."""

from __future__ import annotations

import copy
from typing import Any

from documents.dossiers.dossier import Applicant

MASK = "*"


def mask_text(value: str) -> str:
    """Keep a little of each end so people can recognise their own data:
    `001090012345` → `0010******45`."""
    if len(value) <= 6:
        return MASK * len(value)
    keep_start = 4 if len(value) >= 10 else 2
    return value[:keep_start] + MASK * (len(value) - keep_start - 2) + value[-2:]


def _mask_any(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _mask_any(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_mask_any(child) for child in value]
    return MASK * 6 if value is not None else None


def mask_applicant(applicant: Applicant) -> Applicant:
    return applicant.model_copy(
        update={
            "id_number": mask_text(applicant.id_number),
            "phone": mask_text(applicant.phone) if applicant.phone else None,
            "email": mask_text(applicant.email) if applicant.email else None,
            "address": mask_text(applicant.address) if applicant.address else None,
        }
    )


def _mask_at(node: Any, parts: list[str]) -> None:
    if not parts:
        return
    first, rest = parts[0], parts[1:]
    if first == "*" and isinstance(node, list):  # a hint's "every item" (docs/forms.md)
        places: list[tuple[Any, Any]] = [(node, index) for index in range(len(node))]
    elif isinstance(node, dict) and first in node:
        places = [(node, first)]
    else:
        return
    for parent, at in places:
        if rest:
            _mask_at(parent[at], rest)
        else:
            parent[at] = _mask_any(parent[at])


def mask_fields(data: dict[str, Any], pointers: list[str]) -> dict[str, Any]:
    """A copy of `data` with the value at each JSON pointer masked, wherever present;
    `*` in a pointer stands for every item of an array."""
    masked = copy.deepcopy(data)
    for pointer in pointers:
        _mask_at(masked, [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]])
    return masked
