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


def mask_fields(data: dict[str, Any], pointers: list[str]) -> dict[str, Any]:
    """A copy of `data` with the value at each JSON pointer masked, wherever present."""
    masked = copy.deepcopy(data)
    for pointer in pointers:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        node: Any = masked
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and parts and parts[-1] in node:
            node[parts[-1]] = _mask_any(node[parts[-1]])
    return masked
