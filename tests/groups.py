"""A group submission built straight in the database for the read-side tests: two member
dossiers of the tiny catalogue, one at the ward and one moved to the other ward."""

from __future__ import annotations

from dataclasses import dataclass

from documents.calendar.working_calendar import WorkingCalendar
from documents.dossiers.dossier import Dossier
from documents.groups.definition import GroupMember, ProcedureGroup
from documents.groups.progress import group_deadline
from documents.groups.records import DossierGroup, GroupMemberDossier
from tests.catalogue import APPLICANT_ID, OTHER_WARD, PROCEDURE, WARD
from tests.conftest import GraphQLClient
from tests.papers import submit_dossier

GROUP_DEFINITION = "LT.KHAI-SINH"
GROUP_NAME = "Liên thông đăng ký khai sinh"
# A code of the dossier-code format whose counter the tests never reach.
GROUP_CODE = f"{WARD}-260105-0900"


@dataclass(frozen=True)
class TwoMembers:
    group: DossierGroup
    at_ward: str  # the first member's dossier code (handled at WARD)
    at_other_ward: str  # the second's (handled at OTHER_WARD)


async def two_member_group(gql: GraphQLClient) -> TwoMembers:
    """Submitted at the ward's desk: one member handled there, one at the other ward."""
    first = (await submit_dossier(gql))["code"]
    second = (await submit_dossier(gql))["code"]
    moved = await Dossier.find_one(Dossier.code == second)
    assert moved is not None
    moved.receiving_agency_code = moved.handling_agency_code = OTHER_WARD
    for step in moved.steps:
        step.agency_code = OTHER_WARD
    moved.group_code = GROUP_CODE
    await moved.save()
    kept = await Dossier.find_one(Dossier.code == first)
    assert kept is not None
    kept.group_code = GROUP_CODE
    await kept.save()
    await ProcedureGroup(
        code=GROUP_DEFINITION,
        name=GROUP_NAME,
        members=[GroupMember(procedure_code=PROCEDURE, required=True)],
        processing_days=3,
        verification_days=5,
        combined_form={"type": "object"},
    ).insert()
    group = DossierGroup(
        code=GROUP_CODE,
        group_code=GROUP_DEFINITION,
        receiving_agency_code=WARD,
        applicant_id=APPLICANT_ID,
        members=[
            GroupMemberDossier(procedure_code=PROCEDURE, dossier_code=first, agency_code=WARD),
            GroupMemberDossier(
                procedure_code=PROCEDURE,
                dossier_code=second,
                agency_code=OTHER_WARD,
                waits_for=[PROCEDURE],
            ),
        ],
        received_at=kept.received_at,
        due_at=group_deadline(WorkingCalendar(), kept.received_at, 3),
    )
    await group.insert()
    return TwoMembers(group, first, second)
