"""A small two-level city for the routing tests: desks, wards and a department."""

from __future__ import annotations

from datetime import date
from typing import Any

from documents.catalogue.agencies import Agency, AgencyLevel, AgencyState
from documents.catalogue.forms import lifecycle
from documents.catalogue.forms.definition import DisplayHints
from documents.catalogue.procedures import (
    AuthorityRule,
    CompetentAuthority,
    OfficerRole,
    Procedure,
    ProcedureStep,
)

CITY = "000.00.00.H26"
BRANCH = "000.01.30.H26"
WARD_A = "000.00.61.H26"
WARD_B = "000.00.62.H26"
# A service point of the branch, at ward A's premises: a desk, not an authority.
POINT_A = "000.61.30.H26"
POINT_B = "000.62.30.H26"
# A desk that serves nobody (a data mistake the routing must not hide).
STRAY_POINT = "000.69.30.H26"
DEPARTMENT = "000.00.15.H26"
# Merged into ward B on 1 July 2025; its unit code still leads there.
MERGED_COMMUNE = "000.00.72.H26"
# Abolished on 30 June 2025 without a successor.
ABOLISHED_COMMUNE = "000.00.71.H26"
ABOLISHED_DEPARTMENT = "000.00.16.H26"

UNIT_A = "00070"
UNIT_B = "00004"
UNIT_MERGED = "00100"
UNIT_ABOLISHED = "09999"
UNIT_UNKNOWN = "55555"

TWO_LEVELS = date(2025, 7, 1)
OLD_TREE_ENDS = date(2025, 6, 30)

CERTIFIED_COPY = "9.100001"
BIRTH = "9.100002"
LAND = "9.100003"
DEPARTMENT_PERMIT = "9.100004"
GONE_DEPARTMENT_PERMIT = "9.100005"
LISTED_ONLY = "9.100006"

_UNIT = {"type": "object", "properties": {"unitCode": {"type": "string", "pattern": r"^\d{5}$"}}}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    # Optional on purpose: a missing code must reach the routing, which names the field.
    "properties": {"fullName": {"type": "string"}, "residence": _UNIT, "land": _UNIT},
    "required": ["fullName"],
}


def _agency(code: str, level: AgencyLevel, parent: str | None, **fields: Any) -> Agency:
    return Agency(code=code, name=f"Đơn vị {code}", level=level, parent_code=parent, **fields)


def _steps() -> list[ProcedureStep]:
    return [
        ProcedureStep(
            key="reception", name="Tiếp nhận", role=OfficerRole.RECEPTION, working_days=0
        ),
        ProcedureStep(key="review", name="Thẩm định", role=OfficerRole.SPECIALIST, working_days=2),
        ProcedureStep(key="approve", name="Phê duyệt", role=OfficerRole.LEADER, working_days=1),
    ]


def _procedure(code: str, authority: CompetentAuthority, agencies: list[str]) -> Procedure:
    return Procedure(
        code=code,
        name=f"Thủ tục {code}",
        field="Thử nghiệm",
        processing_days=3,
        form_key="routed",
        agency_codes=agencies,
        steps=_steps(),
        competent_authority=authority,
    )


async def load_routing_catalogue() -> None:
    new = {"valid_from": TWO_LEVELS}
    ward = AgencyLevel.WARD
    await Agency.insert_many(
        [
            _agency(CITY, AgencyLevel.CITY, None),
            _agency(BRANCH, AgencyLevel.BRANCH, CITY, **new),
            _agency(WARD_A, ward, CITY, unit_code=UNIT_A, **new),
            _agency(WARD_B, ward, CITY, unit_code=UNIT_B, **new),
            _agency(POINT_A, AgencyLevel.SERVICE_POINT, BRANCH, serves_code=WARD_A, **new),
            _agency(POINT_B, AgencyLevel.SERVICE_POINT, BRANCH, serves_code=WARD_B, **new),
            _agency(STRAY_POINT, AgencyLevel.SERVICE_POINT, BRANCH, **new),
            _agency(DEPARTMENT, AgencyLevel.DEPARTMENT, CITY),
            _agency(
                MERGED_COMMUNE,
                AgencyLevel.COMMUNE,
                None,
                unit_code=UNIT_MERGED,
                valid_to=OLD_TREE_ENDS,
                state=AgencyState.MERGED,
                merged_into=WARD_B,
                merged_at=TWO_LEVELS,
            ),
            _agency(
                ABOLISHED_COMMUNE,
                AgencyLevel.COMMUNE,
                None,
                unit_code=UNIT_ABOLISHED,
                valid_to=OLD_TREE_ENDS,
            ),
            _agency(ABOLISHED_DEPARTMENT, AgencyLevel.DEPARTMENT, CITY, valid_to=OLD_TREE_ENDS),
        ]
    )
    draft = await lifecycle.create_draft("routed", "Tờ khai", SCHEMA, DisplayHints())
    assert draft.id is not None
    await lifecycle.publish(draft.id)
    rule = AuthorityRule
    for procedure in [
        _procedure(CERTIFIED_COPY, CompetentAuthority(), []),
        _procedure(
            BIRTH,
            CompetentAuthority(rule=rule.APPLICANT_RESIDENCE, field="residence.unitCode"),
            [WARD_A, WARD_B],
        ),
        _procedure(LAND, CompetentAuthority(rule=rule.OBJECT_LOCATION, field="land.unitCode"), []),
        _procedure(
            DEPARTMENT_PERMIT, CompetentAuthority(rule=rule.FIXED, agency_code=DEPARTMENT), []
        ),
        _procedure(
            GONE_DEPARTMENT_PERMIT,
            CompetentAuthority(rule=rule.FIXED, agency_code=ABOLISHED_DEPARTMENT),
            [],
        ),
        _procedure(LISTED_ONLY, CompetentAuthority(), [DEPARTMENT]),
    ]:
        await procedure.insert()


def routed_submission(
    procedure: str, receiving: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A submitDossier input; `data` defaults to a residence in ward B."""
    form = (
        {"fullName": "Nguyễn Văn An", "residence": {"unitCode": UNIT_B}} if data is None else data
    )
    return {
        "procedureCode": procedure,
        "receivingAgencyCode": receiving,
        "channel": "COUNTER",
        "applicant": {
            "kind": "CITIZEN",
            "idNumber": "001090012345",
            "fullName": "Nguyễn Văn An",
            "phone": "0912345678",
        },
        "data": form,
    }
