"""A small history of dossiers at two wards, and the GraphQL documents of merge tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import fixed_time
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.workflow import acting
from documents.workflow.acting import Decision
from documents.workflow.submitting import Submission, submit
from tests.catalogue import APPLICANT_ID, CITY, OTHER_WARD, PROCEDURE, VALID_DATA, WARD
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import local

A, B = WARD, OTHER_WARD
C = "000.22.90.H26"
EFFECTIVE = date(2026, 3, 10)
# Merges run on the morning of the effective day.
APPLIED_AT = "2026-03-10 08:00"
NEW_C = {"name": "UBND Phường Hợp Nhất", "level": "WARD", "parentCode": CITY}

MERGE = """
mutation($input: MergeAgenciesInput!, $dryRun: Boolean!) {
  mergeAgencies(input: $input, dryRun: $dryRun) {
    preview {
      moving finished movingChildren
      sources { agencyCode moving finished referencedOnly movingCodes }
    }
    target { code name state parentCode }
    scheduled { id status appliesAt effectiveDate }
    errors { field message code reason dossierCodes }
  }
}
"""

SNAPSHOT = """
query { dossiers(first: 20, orderBy: CODE_ASC) { edges { node {
  code status receivingAgencyCode handlingAgencyCode timeliness finishedAt dueAt currentStep
  controlSlip { stepKey agencyCode fromAgencyCode handedOverAt finishedAt }
  timeline(first: 20) { edges { node { type agencyCode at payload } } }
} } } }
"""

AGENCY = """
query($code: String!) { agency(code: $code) {
  code state parentCode mergedIntoCode mergedAt mergedInto { code state }
} }
"""


@dataclass(frozen=True)
class History:
    """Codes of dossiers in every situation a merge meets. Wards A and B receive; the
    procedure is handled by A, so B's dossiers have B on their first step only."""

    a_open: str  # received at A, at A's reception step
    a_review: str  # at A's review step
    a_done: str  # approved and returned by A: finished
    a_refused: str  # refused by A: finished
    b_open: str  # received at B, at B's reception step, handled by A
    b_withdrawn: str  # received at B, withdrawn: finished
    b_at_city: str  # received at B, now at a review step of the city, handled by A

    @property
    def open(self) -> set[str]:
        return {self.a_open, self.a_review, self.b_open, self.b_at_city}

    @property
    def finished(self) -> set[str]:
        return {self.a_done, self.a_refused, self.b_withdrawn}


async def make_history() -> History:
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="An")
    clerk, expert, leader = Actor("clerk", A), Actor("expert", A), Actor("leader", A)

    async def new(agency: str, day: int) -> str:
        at = local(f"2026-03-0{day} 09:00")
        wanted = Submission(PROCEDURE, agency, Channel.ONLINE, applicant, VALID_DATA)
        return (await submit(wanted, received_at=at, hours=OfficeHours())).code

    def at(day: int, hour: int) -> Any:
        return local(f"2026-03-0{day} {hour:02d}:00")

    a_open = await new(A, 2)
    a_review = await new(A, 2)
    await acting.accept(a_review, clerk, hours=OfficeHours(), at=at(2, 10))
    await acting.hand_over(a_review, "review", clerk, hours=OfficeHours(), at=at(2, 11))
    a_done = await new(A, 3)
    await acting.accept(a_done, clerk, hours=OfficeHours(), at=at(3, 10))
    await acting.hand_over(a_done, "review", clerk, hours=OfficeHours(), at=at(3, 11))
    await acting.hand_over(a_done, "approve", expert, hours=OfficeHours(), at=at(4, 9))
    await acting.record_result(
        a_done, Decision.APPROVE, None, leader, hours=OfficeHours(), at=at(4, 15)
    )
    await acting.return_result(a_done, clerk, hours=OfficeHours(), at=at(5, 9))
    a_refused = await new(A, 3)
    await acting.refuse(a_refused, "thiếu giấy tờ", clerk, hours=OfficeHours(), at=at(3, 14))
    b_open = await new(B, 4)
    b_withdrawn = await new(B, 4)
    await acting.withdraw(
        b_withdrawn, "không cần nữa", Actor("applicant"), hours=OfficeHours(), at=at(5, 10)
    )
    b_at_city = await new(B, 5)
    b_clerk = Actor("b-clerk", B)
    await acting.accept(b_at_city, b_clerk, hours=OfficeHours(), at=at(5, 10))
    await acting.hand_over(
        b_at_city, "review", b_clerk, to_agency=CITY, hours=OfficeHours(), at=at(5, 11)
    )
    return History(a_open, a_review, a_done, a_refused, b_open, b_withdrawn, b_at_city)


def merge_input(
    sources: list[str],
    target: str,
    new: dict[str, Any] | None = None,
    effective: str = "",
    at: str | None = None,
) -> dict[str, Any]:
    """`at`: an exact moment to apply it (`effectiveAt`), as Hà Nội local time."""
    return {
        "sources": sources,
        "target": target,
        "newTarget": new,
        "effectiveDate": effective or EFFECTIVE.isoformat(),
        "effectiveAt": local(at).isoformat() if at else None,
    }


async def merge(
    client: GraphQLClient, input: dict[str, Any], dry_run: bool = False, at: str = APPLIED_AT
) -> dict[str, Any]:
    """The mergeAgencies payload, run at the Hà Nội local time `at`."""
    with fixed_time(local(at)):
        data = await client.data(MERGE, {"input": input, "dryRun": dry_run})
    payload: dict[str, Any] = data["mergeAgencies"]
    return payload


async def snapshot(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    """Every dossier the client sees, by code, with its history."""
    edges = (await client.data(SNAPSHOT))["dossiers"]["edges"]
    found = {edge["node"]["code"]: edge["node"] for edge in edges}
    assert len(found) == len(edges), "a dossier was listed twice"
    return found


def event_types(dossier: dict[str, Any]) -> list[str]:
    return [edge["node"]["type"] for edge in dossier["timeline"]["edges"]]


async def agency(client: GraphQLClient, code: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await client.data(AGENCY, {"code": code}))["agency"]
    return found
