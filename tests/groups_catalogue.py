"""A tiny procedure group for the group submission tests: a birth-like procedure whose
result feeds a residence-like one (handled at another ward), and an independent third,
on top of the tiny catalogue's agencies."""

from __future__ import annotations

from typing import Any

from documents.catalogue.forms import lifecycle
from documents.catalogue.forms.definition import DisplayHints
from documents.catalogue.procedures import (
    AuthorityRule,
    CompetentAuthority,
    OfficerRole,
    Procedure,
    ProcedureStep,
    RequiredPaper,
    ResultReuse,
)
from documents.groups.definition import Feed, GroupMember, ProcedureGroup
from tests.catalogue import APPLICANT, OTHER_WARD, WARD, load_tiny_catalogue

BIRTH, RESIDENCE, INSURANCE = "9.100001", "9.100002", "9.100003"
GROUP = "G-TEST"
RESULT_TYPE = "BIRTH_CERTIFICATE"

_OBJECT = "https://json-schema.org/draft/2020-12/schema"
FORMS: dict[str, dict[str, Any]] = {
    "birth": {
        "$schema": _OBJECT,
        "type": "object",
        "properties": {
            "child": {
                "type": "object",
                "properties": {"name": {"type": "string", "minLength": 1}},
                "required": ["name"],
            },
            "motherId": {"type": "string", "pattern": "^[0-9]{12}$"},
        },
        "required": ["child", "motherId"],
    },
    "residence": {
        "$schema": _OBJECT,
        "type": "object",
        "properties": {
            "person": {"type": "object", "properties": {"name": {"type": "string"}}},
            "birthNo": {"type": "string", "minLength": 1},
        },
        "required": ["person", "birthNo"],
    },
    "insurance": {
        "$schema": _OBJECT,
        "type": "object",
        "properties": {"insured": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "required": ["insured"],
    },
}
COMBINED_FORM: dict[str, Any] = {
    "$schema": _OBJECT,
    "type": "object",
    "properties": {
        "child": {"type": "object", "properties": {"fullName": {"type": "string"}}},
        "mother": {"type": "object", "properties": {"idNumber": {"type": "string"}}},
    },
    "required": ["child"],
}
COMBINED_DATA: dict[str, Any] = {
    "child": {"fullName": "Nguyễn Bé An"},
    "mother": {"idNumber": "001190012345"},
}


def _steps(days: int) -> list[ProcedureStep]:
    return [
        ProcedureStep(
            key="reception", name="Tiếp nhận", role=OfficerRole.RECEPTION, working_days=0
        ),
        ProcedureStep(key="approve", name="Phê duyệt", role=OfficerRole.LEADER, working_days=days),
    ]


async def load_group_catalogue() -> None:
    await load_tiny_catalogue()
    for key, schema in FORMS.items():
        draft = await lifecycle.create_draft(key, key, schema, DisplayHints())
        assert draft.id is not None
        await lifecycle.publish(draft.id)
    birth_certificate = RequiredPaper(
        slot="birthCertificate",
        name="Giấy khai sinh",
        satisfied_by_result=ResultReuse(result_type=RESULT_TYPE, max_age_days=30),
    )
    # Asked for by two members: uploaded once, shared (shareWithGroup).
    mother_id = RequiredPaper(slot="motherIdCard", name="CCCD của mẹ")
    await Procedure.insert_many(
        [
            Procedure(
                code=BIRTH,
                name="Đăng ký khai sinh (thử)",
                field="Hộ tịch",
                processing_days=1,
                form_key="birth",
                agency_codes=[WARD],
                steps=_steps(1),
                required_papers=[mother_id],
            ),
            Procedure(
                code=RESIDENCE,
                name="Đăng ký thường trú (thử)",
                field="Cư trú",
                processing_days=2,
                form_key="residence",
                agency_codes=[OTHER_WARD],
                steps=_steps(2),
                required_papers=[birth_certificate],
                competent_authority=CompetentAuthority(
                    rule=AuthorityRule.FIXED, agency_code=OTHER_WARD
                ),
            ),
            Procedure(
                code=INSURANCE,
                name="Cấp thẻ BHYT (thử)",
                field="Bảo hiểm",
                processing_days=2,
                form_key="insurance",
                agency_codes=[WARD],
                steps=_steps(2),
                required_papers=[mother_id],
            ),
        ]
    )
    await ProcedureGroup(
        code=GROUP,
        name="Khai sinh, thường trú, BHYT (thử)",
        members=[
            GroupMember(
                procedure_code=BIRTH,
                required=True,
                mapping={"/child/name": "/child/fullName", "/motherId": "/mother/idNumber"},
            ),
            GroupMember(procedure_code=RESIDENCE, mapping={"/person/name": "/child/fullName"}),
            GroupMember(procedure_code=INSURANCE, mapping={"/insured/name": "/child/fullName"}),
        ],
        combinations=[[BIRTH, RESIDENCE], [BIRTH, RESIDENCE, INSURANCE]],
        feeds=[
            Feed(
                from_procedure=BIRTH,
                to_procedure=RESIDENCE,
                fields={"/birthNo": "/number"},
                result_type=RESULT_TYPE,
            )
        ],
        processing_days=3,
        verification_days=5,
        combined_form=COMBINED_FORM,
    ).insert()


def group_submission(codes: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    return {
        "groupCode": GROUP,
        "procedureCodes": [BIRTH, RESIDENCE, INSURANCE] if codes is None else codes,
        "receivingAgencyCode": WARD,
        "channel": "COUNTER",
        "applicant": APPLICANT,
        "data": COMBINED_DATA,
        **overrides,
    }
