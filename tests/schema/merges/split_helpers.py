"""Dossiers of a ward that is split, and the GraphQL documents of split tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency
from documents.catalogue.forms import lifecycle
from documents.catalogue.procedures import (
    AuthorityRule,
    CompetentAuthority,
    OfficerRole,
    Procedure,
    ProcedureStep,
)
from documents.common.clock import fixed_time
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.workflow.submitting import Submission, submit
from tests.catalogue import APPLICANT_ID, CITY, OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import APPLIED_AT, EFFECTIVE
from tests.schema.workflow.workflow_helpers import local

SOURCE = WARD
# A new ward for administrative unit 10101; OTHER_WARD is made unit 10102.
NORTH = "000.22.91.H26"
NORTH_UNIT, SOUTH_UNIT, ELSEWHERE_UNIT = "10101", "10102", "10109"
NEW_NORTH = {"name": "UBND Phường Bắc", "level": "WARD", "parentCode": CITY, "unitCode": NORTH_UNIT}
RESIDENCE_PROCEDURE = "9.000777"

SPLIT = """
mutation($input: SplitAgencyInput!, $dryRun: Boolean!) {
  splitAgency(input: $input, dryRun: $dryRun) {
    preview { moving finished referencedOnly targets { agencyCode moving movingCodes } }
    source { code state validTo }
    targets { code state validFrom unitCode }
    errors { field message code reason dossierCodes }
  }
}
"""


@dataclass(frozen=True)
class Residents:
    """Open dossiers handled by the source, by the applicant's unit of residence."""

    north: list[str]
    south: list[str]
    elsewhere: str


async def make_residents() -> Residents:
    """Dossiers received at the source while the procedure was handled where received;
    the procedure now finds its competent authority by the applicant's residence."""
    schema = {
        "type": "object",
        "properties": {
            "fullName": {"type": "string"},
            "residence": {"type": "object", "properties": {"unitCode": {"type": "string"}}},
        },
    }
    draft = await lifecycle.create_draft("residence", "Tờ khai cư trú", schema)
    assert draft.id is not None
    await lifecycle.publish(draft.id)
    procedure = Procedure(
        code=RESIDENCE_PROCEDURE,
        name="Thủ tục theo nơi cư trú",
        field="Thử nghiệm",
        processing_days=2,
        form_key="residence",
        agency_codes=[SOURCE],
        steps=[
            ProcedureStep(
                key="reception", name="Tiếp nhận", role=OfficerRole.RECEPTION, working_days=2
            )
        ],
    )
    await procedure.insert()
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="An")

    async def new(unit: str, hour: int) -> str:
        data = {"fullName": "An", "residence": {"unitCode": unit}}
        wanted = Submission(RESIDENCE_PROCEDURE, SOURCE, Channel.ONLINE, applicant, data)
        received = local(f"2026-03-03 {hour:02d}:00")
        return (await submit(wanted, received_at=received, hours=OfficeHours())).code

    north = [await new(NORTH_UNIT, 9), await new(NORTH_UNIT, 10)]
    south = [await new(SOUTH_UNIT, 11)]
    elsewhere = await new(ELSEWHERE_UNIT, 14)
    procedure.competent_authority = CompetentAuthority(
        rule=AuthorityRule.APPLICANT_RESIDENCE, field="residence.unitCode"
    )
    await procedure.save()
    await Agency.find_one(Agency.code == OTHER_WARD).set({"unit_code": SOUTH_UNIT})
    return Residents(north, south, elsewhere)


def split_input(
    rule: str,
    targets: list[dict[str, Any]] | None = None,
    assignments: dict[str, str] | None = None,
    default: str | None = None,
    source: str = SOURCE,
    effective: str = "",
) -> dict[str, Any]:
    return {
        "source": source,
        "targets": targets
        if targets is not None
        else [{"code": NORTH, "newAgency": NEW_NORTH}, {"code": OTHER_WARD}],
        "rule": rule,
        "effectiveDate": effective or EFFECTIVE.isoformat(),
        "assignments": [{"dossierCode": c, "target": t} for c, t in (assignments or {}).items()],
        "defaultTarget": default,
    }


async def split(
    client: GraphQLClient, input: dict[str, Any], dry_run: bool = False, at: str = APPLIED_AT
) -> dict[str, Any]:
    """The splitAgency payload, run at the Hà Nội local time `at`."""
    with fixed_time(local(at)):
        data = await client.data(SPLIT, {"input": input, "dryRun": dry_run})
    payload: dict[str, Any] = data["splitAgency"]
    return payload
