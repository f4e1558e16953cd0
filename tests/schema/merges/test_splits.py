"""Splitting an agency: open dossiers distributed by residence or by a list, nothing left
unassigned, a dry run that writes nothing, statistics that follow by themselves."""

from __future__ import annotations

from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.events import DossierEvent, EventType
from documents.statistics.facts import DossierFact
from documents.statistics.rebuild import verify
from tests.catalogue import CITY, OTHER_WARD
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import agency, make_history, snapshot
from tests.schema.merges.split_helpers import (
    NEW_NORTH,
    NORTH,
    NORTH_UNIT,
    SOURCE,
    make_residents,
    split,
    split_input,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

AUDIT = """
query { auditLog(first: 1) { edges { node { operations targets succeeded changes } } } }
"""


async def handled_by(client: GraphQLClient) -> dict[str, str]:
    return {code: d["handlingAgencyCode"] for code, d in (await snapshot(client)).items()}


async def fact_agency(code: str) -> str:
    fact = await DossierFact.find_one(DossierFact.dossier_code == code)
    assert fact is not None
    return fact.agency_code


async def test_split_by_residence_sends_each_dossier_to_the_applicant_s_unit(
    admin: GraphQLClient,
) -> None:
    residents = await make_residents()
    assert await verify(OfficeHours()) == []

    payload = await split(admin, split_input("BY_RESIDENCE", default=OTHER_WARD))

    assert payload["errors"] == []
    by_target = {t["agencyCode"]: t for t in payload["preview"]["targets"]}
    assert by_target[NORTH] == {
        "agencyCode": NORTH,
        "moving": 2,
        "movingCodes": sorted(residents.north),
    }
    # The unit nobody serves goes to the default target.
    assert by_target[OTHER_WARD]["movingCodes"] == sorted([*residents.south, residents.elsewhere])
    assert payload["source"] == {"code": SOURCE, "state": "SPLIT", "validTo": "2026-03-09"}
    assert payload["targets"][0] == {
        "code": NORTH,
        "state": "ACTIVE",
        "validFrom": "2026-03-10",
        "unitCode": NORTH_UNIT,
    }
    handled = await handled_by(admin)
    assert {handled[c] for c in residents.north} == {NORTH}
    assert {handled[c] for c in [*residents.south, residents.elsewhere]} == {OTHER_WARD}
    for code in residents.north:
        [event] = await DossierEvent.find(
            {"dossier_code": code, "type": EventType.AGENCY_SPLIT.value}
        ).to_list()
        assert event.payload == {
            "from": SOURCE,
            "to": NORTH,
            "effectiveDate": "2026-03-10",
            "rule": "BY_RESIDENCE",
        }
        assert await fact_agency(code) == NORTH  # the statistics moved with it
    assert await verify(OfficeHours()) == []  # `motcua stats verify`: no rebuild needed


async def test_split_by_list_follows_the_list_and_keeps_finished_dossiers(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    before = await snapshot(admin)
    to_north = {history.a_open, history.b_at_city}
    assignments = {code: NORTH if code in to_north else OTHER_WARD for code in history.open}

    payload = await split(admin, split_input("BY_LIST", assignments=assignments))

    assert payload["errors"] == []
    assert payload["preview"]["moving"] == 4
    assert payload["preview"]["finished"] == 3
    after = await snapshot(admin)
    for code in history.open:
        assert after[code]["handlingAgencyCode"] == assignments[code]
        assert after[code]["receivingAgencyCode"] == before[code]["receivingAgencyCode"]
        added = after[code]["timeline"]["edges"][-1]["node"]
        assert (added["type"], added["agencyCode"]) == ("AGENCY_SPLIT", assignments[code])
    # The open step moves where it was at the source; the city's review step stays.
    assert after[history.a_review]["controlSlip"][-1]["agencyCode"] == OTHER_WARD
    assert after[history.b_at_city]["controlSlip"][-1]["agencyCode"] == CITY
    for code in history.finished:
        assert after[code] == before[code]
    assert await verify(OfficeHours()) == []
    record = (await admin.data(AUDIT))["auditLog"]["edges"][0]["node"]
    assert record["operations"] == ["splitAgency"]
    assert record["targets"] == [f"agency:{NORTH}", f"agency:{SOURCE}"]
    assert record["changes"][1]["after"]["state"] == "SPLIT"


async def test_split_dry_run_lists_what_would_move_and_writes_nothing(
    admin: GraphQLClient,
) -> None:
    residents = await make_residents()
    before = await snapshot(admin)

    payload = await split(admin, split_input("BY_RESIDENCE", default=OTHER_WARD), dry_run=True)

    assert payload["errors"] == []
    assert payload["preview"] == {
        "moving": 4,
        "finished": 0,
        "referencedOnly": 0,
        "targets": [
            {"agencyCode": NORTH, "moving": 2, "movingCodes": sorted(residents.north)},
            {
                "agencyCode": OTHER_WARD,
                "moving": 2,
                "movingCodes": sorted([*residents.south, residents.elsewhere]),
            },
        ],
    }
    assert payload["source"]["state"] == "ACTIVE"
    assert await snapshot(admin) == before
    assert await agency(admin, NORTH) is None
    assert await DossierEvent.find({"type": EventType.AGENCY_SPLIT.value}).count() == 0


async def test_split_that_leaves_dossiers_unassigned_is_refused_and_changes_nothing(
    admin: GraphQLClient,
) -> None:
    residents = await make_residents()
    before = await snapshot(admin)

    for dry_run in (True, False):
        payload = await split(admin, split_input("BY_RESIDENCE"), dry_run=dry_run)

        assert [(e["code"], e["reason"], e["field"]) for e in payload["errors"]] == [
            ("MERGE_INVALID", "UNASSIGNED_DOSSIERS", "targets")
        ]
        assert payload["errors"][0]["dossierCodes"] == [residents.elsewhere]
        assert payload["preview"] is None
    listed = await split(admin, split_input("BY_LIST", assignments={residents.north[0]: NORTH}))
    assert listed["errors"][0]["dossierCodes"] == sorted(
        [residents.north[1], *residents.south, residents.elsewhere]
    )
    assert await snapshot(admin) == before
    assert await agency(admin, NORTH) is None
    assert (await agency(admin, SOURCE) or {})["state"] == "ACTIVE"


INVALID: list[tuple[str, dict[str, Any], str, str | None, str]] = [
    ("unknown source", split_input("BY_LIST", source="000.00.01.X99"), "NOT_FOUND", None, "source"),
    (
        "unknown target",
        split_input("BY_LIST", [{"code": "000.00.01.X99"}, {"code": OTHER_WARD}]),
        "NOT_FOUND",
        None,
        "targets",
    ),
    (
        "a target is the source",
        split_input("BY_LIST", [{"code": SOURCE}, {"code": OTHER_WARD}]),
        "MERGE_INVALID",
        "TARGET_IS_SOURCE",
        "targets",
    ),
    (
        "one target",
        split_input("BY_LIST", [{"code": OTHER_WARD}, {"code": OTHER_WARD}]),
        "MERGE_INVALID",
        "TOO_FEW_TARGETS",
        "targets",
    ),
    (
        "source has children",
        split_input("BY_LIST", [{"code": SOURCE}, {"code": OTHER_WARD}], source=CITY),
        "MERGE_INVALID",
        "HAS_CHILDREN",
        "source",
    ),
    (
        "default not a target",
        split_input("BY_LIST", default=CITY),
        "VALIDATION_FAILED",
        None,
        "defaultTarget",
    ),
    (
        "new target exists",
        split_input("BY_LIST", [{"code": OTHER_WARD, "newAgency": NEW_NORTH}, {"code": NORTH}]),
        "ALREADY_EXISTS",
        None,
        "targets",
    ),
    (
        "effective tomorrow",
        split_input("BY_LIST", effective="2026-03-11"),
        "MERGE_INVALID",
        "FUTURE_DATE",
        "effectiveDate",
    ),
]


@pytest.mark.parametrize(
    ("case", "input", "code", "reason", "field"), INVALID, ids=[c[0] for c in INVALID]
)
async def test_split_with_invalid_input_returns_typed_errors(
    admin: GraphQLClient,
    case: str,
    input: dict[str, Any],
    code: str,
    reason: str | None,
    field: str,
) -> None:
    for dry_run in (True, False):
        payload = await split(admin, input, dry_run=dry_run)

        assert [(e["code"], e["reason"], e["field"]) for e in payload["errors"]] == [
            (code, reason, field)
        ], case
    states = [(await agency(admin, c) or {})["state"] for c in (SOURCE, OTHER_WARD, CITY)]
    assert states == ["ACTIVE"] * 3


async def test_split_is_for_system_admins_only(gql: GraphQLClient) -> None:
    body = await gql.as_role("agency_admin").execute(
        "mutation($i: SplitAgencyInput!) { splitAgency(input: $i) { errors { code } } }",
        {"i": split_input("BY_LIST")},
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
