"""A tiny catalogue that tests control field by field (the demo one is for people)."""

from __future__ import annotations

from typing import Any

from documents.catalogue.agencies import Agency, AgencyLevel
from documents.catalogue.forms import lifecycle
from documents.catalogue.forms.definition import DisplayHints, FieldHint
from documents.catalogue.procedures import OfficerRole, Procedure, ProcedureStep

WARD = "000.22.99.H26"
OTHER_WARD = "000.22.98.H26"
CITY = "000.00.00.H26"
PROCEDURE = "9.000001"

PERMIT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "fullName": {"type": "string", "minLength": 1},
        "birthDate": {"type": "string", "format": "date"},
        "email": {"type": "string", "format": "email"},
        "hasVehicle": {"type": "boolean"},
        "plate": {"type": "string", "pattern": "^[0-9]{2}[A-Z]-[0-9]{5}$"},
        "taxCode": {"type": "string"},
        "taxOffice": {"type": "string"},
        "floors": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["fullName", "birthDate"],
    "if": {"properties": {"hasVehicle": {"const": True}}, "required": ["hasVehicle"]},
    "then": {"required": ["plate"]},
    "dependentRequired": {"taxCode": ["taxOffice"]},
}

VALID_DATA: dict[str, Any] = {"fullName": "Nguyễn Văn An", "birthDate": "1990-05-17"}

APPLICANT_ID = "001090012345"
# The principals of the authorization tests: (role, agency, id number) for tokens;
# integrators use API keys instead.
TOKEN_PRINCIPALS: dict[str, tuple[str, str | None, str | None]] = {
    "owner": ("applicant", None, APPLICANT_ID),
    "stranger": ("applicant", None, "001099999999"),
    "reception": ("officer:reception", WARD, None),
    "specialist": ("officer:specialist", WARD, None),
    "leader": ("officer:leader", WARD, None),
    "outsider": ("officer:reception", OTHER_WARD, None),
    "agency_admin": ("agency_admin", CITY, None),
    "system_admin": ("system_admin", None, None),
}
APPLICANT: dict[str, Any] = {
    "kind": "CITIZEN",
    "idNumber": APPLICANT_ID,
    "fullName": "Nguyễn Văn An",
    "phone": "0912345678",
    "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
}


async def load_tiny_catalogue() -> None:
    await Agency.insert_many(
        [
            Agency(code=CITY, name="UBND Thành phố Hà Nội", level=AgencyLevel.CITY),
            Agency(code=WARD, name="UBND Phường Thử", level=AgencyLevel.WARD, parent_code=CITY),
            Agency(
                code=OTHER_WARD, name="UBND Phường Khác", level=AgencyLevel.WARD, parent_code=CITY
            ),
        ]
    )
    hints = DisplayHints(
        order=["fullName", "birthDate"],
        fields=[
            FieldHint(pointer="/fullName", label_vi="Họ và tên", label_en="Full name"),
            FieldHint(pointer="/birthDate", label_vi="Ngày sinh", sensitive=True),
        ],
    )
    draft = await lifecycle.create_draft("permit", "Giấy phép thử", PERMIT_SCHEMA, hints)
    assert draft.id is not None
    await lifecycle.publish(draft.id)
    await Procedure(
        code=PROCEDURE,
        name="Cấp giấy phép thử",
        field="Thử nghiệm",
        processing_days=3,
        form_key="permit",
        agency_codes=[WARD],
        steps=[
            ProcedureStep(
                key="reception", name="Tiếp nhận", role=OfficerRole.RECEPTION, working_days=0
            ),
            ProcedureStep(
                key="review", name="Thẩm định", role=OfficerRole.SPECIALIST, working_days=2
            ),
            ProcedureStep(key="approve", name="Phê duyệt", role=OfficerRole.LEADER, working_days=1),
        ],
    ).insert()


def submission(data: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    return {
        "procedureCode": PROCEDURE,
        "receivingAgencyCode": WARD,
        "channel": "ONLINE",
        "applicant": APPLICANT,
        "data": VALID_DATA if data is None else data,
        **overrides,
    }
