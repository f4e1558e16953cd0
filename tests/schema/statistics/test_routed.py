"""A dossier received at one agency and handled at another counts once on each side:
received at the first, handled at the second, and once at any parent of both and in
the city. Facts stored before that split keep working."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.catalogue.agencies import Agency, AgencyLevel
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import DossierStatus
from documents.statistics.facts import DossierFact, apply_delta, refresh_fact
from documents.statistics.rebuild import verify
from tests.catalogue import CITY, OTHER_WARD, PROCEDURE
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import ACCEPT, STOP, act, submit_at

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

BRANCH = "000.30.00.H26"
POINT = "000.30.01.H26"  # a service point of the branch
HANDLER = "000.30.02.H26"  # the commune competent for the dossiers, under the same branch
TOTALS = """
query($scope: StatisticsScope) {
  publicStatistics(from: "2026-03-01", to: "2026-03-31", scope: $scope) {
    totals { received onlineShare resolved inProgress onTimeRate } } }
"""
AT = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội


async def _tree() -> None:
    await Agency.insert_many(
        [
            Agency(code=BRANCH, name="Chi nhánh", level=AgencyLevel.BRANCH, parent_code=CITY),
            Agency(
                code=POINT, name="Điểm phục vụ", level=AgencyLevel.SERVICE_POINT, parent_code=BRANCH
            ),
            Agency(code=HANDLER, name="UBND xã", level=AgencyLevel.COMMUNE, parent_code=BRANCH),
        ]
    )


def _routed(number: int, **fields: Any) -> Dossier:
    values: dict[str, Any] = {
        "code": f"{POINT}-260303-{number:04d}",
        "procedure_code": PROCEDURE,
        "form_key": "permit",
        "form_version": 1,
        "applicant": Applicant(
            kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="An"
        ),
        "channel": Channel.ONLINE,
        "receiving_agency_code": POINT,
        "handling_agency_code": HANDLER,
        "status": DossierStatus.IN_PROGRESS,
        "received_at": AT,
        "updated_at": AT,
        "due_at": datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
        "appointment_at": datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
        **fields,
    }
    return Dossier.model_validate(values)


async def _totals(gql: GraphQLClient, agency: str | None) -> dict[str, Any]:
    scope = {"agencyCode": agency} if agency else None
    data = await gql.anonymous().data(TOTALS, {"scope": scope})
    totals: dict[str, Any] = data["publicStatistics"]["totals"]
    return totals


def _counts(totals: dict[str, Any]) -> tuple[int, int, int]:
    return totals["received"], totals["resolved"], totals["inProgress"]


async def test_a_routed_dossier_counts_received_here_and_handled_there_once(
    gql: GraphQLClient,
) -> None:
    await _tree()
    finished = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    dossiers = [
        _routed(
            1, status=DossierStatus.RETURNED, finished_at=finished, timeliness=Timeliness.EARLY
        ),
        _routed(2),  # still being handled
    ]
    for dossier in dossiers:
        await dossier.insert()
        await refresh_fact(dossier, WorkingCalendar(), None, AT)

    assert _counts(await _totals(gql, POINT)) == (2, 0, 0)
    assert (await _totals(gql, POINT))["onlineShare"] == 100.0
    assert _counts(await _totals(gql, HANDLER)) == (0, 1, 1)
    assert (await _totals(gql, HANDLER))["onTimeRate"] == 100.0
    # The branch is a parent of both, the city of everything: each dossier once.
    assert _counts(await _totals(gql, BRANCH)) == (2, 1, 1)
    assert _counts(await _totals(gql, CITY)) == (2, 1, 1)
    assert _counts(await _totals(gql, None)) == (2, 1, 1)
    assert _counts(await _totals(gql, OTHER_WARD)) == (0, 0, 0)
    assert await verify(OfficeHours()) == []


async def test_a_fact_of_the_old_shape_is_taken_back_where_it_was_counted(
    gql: GraphQLClient,
) -> None:
    """Before the split a fact had one agency (the handling one) for every counter."""
    await _tree()
    dossier = _routed(3)
    await dossier.insert()
    old: dict[str, Any] = {
        "dossier_code": dossier.code,
        "agency_code": HANDLER,
        "procedure_code": PROCEDURE,
        "received_day": "2026-03-03",
        "open_due_at": None,
        "contributions": {"2026-03-03": {"received": 1, "online": 1, "open": 1}},
    }
    await DossierFact.get_pymongo_collection().insert_one(old)
    await apply_delta(
        {(HANDLER, PROCEDURE, "2026-03-03"): old["contributions"]["2026-03-03"]}, None
    )
    assert _counts(await _totals(gql, HANDLER)) == (1, 0, 1)
    assert await verify(OfficeHours()) != []  # the old shape counts received at the handler

    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED  # any change refreshes the fact
    await dossier.save()
    await refresh_fact(dossier, WorkingCalendar(), None, AT)

    assert _counts(await _totals(gql, POINT)) == (1, 0, 0)
    assert _counts(await _totals(gql, HANDLER)) == (0, 0, 1)
    assert _counts(await _totals(gql, None)) == (1, 0, 1)
    assert await verify(OfficeHours()) == []
    stored = await DossierFact.find_one(DossierFact.dossier_code == dossier.code)
    assert stored is not None
    assert stored.receiving_agency_code == POINT


async def test_a_stopped_dossier_counts_as_received_not_resolved(gql: GraphQLClient) -> None:
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    await act(gql, "2026-03-03 09:10", ACCEPT, code=code)
    stopped = await act(gql, "2026-03-04 09:00", STOP, code=code, reason="Người nộp qua đời")
    assert stopped["errors"] == [], stopped["errors"]
    assert stopped["dossier"]["status"] == "STOPPED"
    assert _counts(await _totals(gql, None)) == (1, 0, 0)
    assert await verify(OfficeHours()) == []
