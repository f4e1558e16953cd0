"""A birth-like group built in memory, for the tests of the definition rules."""

from __future__ import annotations

from typing import Any

from documents.groups.definition import Feed, GroupMember, ProcedureGroup

BIRTH, RESIDENCE, INSURANCE = "1.001193", "1.004194", "1.004253"
ACTIVE = frozenset({BIRTH, RESIDENCE, INSURANCE})

COMBINED_FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "child": {
            "type": "object",
            "properties": {
                "fullName": {"type": "string"},
                "birthDate": {"type": "string", "format": "date"},
            },
        },
        "mother": {"type": "object", "properties": {"idNumber": {"type": "string"}}},
        "siblings": {"type": "array", "items": {"type": "object", "properties": {"name": {}}}},
    },
    "required": ["child"],
}


def group(**changes: Any) -> ProcedureGroup:
    """Birth registration required, feeding residence and the health-insurance card."""
    fields: dict[str, Any] = {
        "code": "G-BIRTH",
        "name": "Khai sinh, thường trú, BHYT",
        "members": [
            GroupMember(
                procedure_code=BIRTH,
                required=True,
                mapping={"/child/name": "/child/fullName", "/motherId": "/mother/idNumber"},
            ),
            GroupMember(procedure_code=RESIDENCE, mapping={"/person/name": "/child/fullName"}),
            GroupMember(procedure_code=INSURANCE, mapping={"/insured/dob": "/child/birthDate"}),
        ],
        "feeds": [
            Feed(from_procedure=BIRTH, to_procedure=RESIDENCE, fields={"/birthNo": "/number"}),
            Feed(from_procedure=BIRTH, to_procedure=INSURANCE, fields={"/birthNo": "/number"}),
        ],
        "processing_days": 3,
        "verification_days": 5,
        "combined_form": COMBINED_FORM,
    }
    fields.update(changes)
    # Not validated: a Document cannot be built before Beanie binds it to a database.
    return ProcedureGroup.model_construct(**fields)
