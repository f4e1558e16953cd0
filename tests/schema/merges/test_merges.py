"""Merging agencies: nothing lost, nothing duplicated, no historical figure changed."""

from __future__ import annotations

from typing import Any

import pytest

from documents.catalogue.agencies import resolve_current
from tests.catalogue import CITY, submission
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import (
    APPLIED_AT,
    NEW_C,
    A,
    B,
    C,
    agency,
    event_types,
    make_history,
    merge,
    merge_input,
    snapshot,
)
from tests.schema.workflow.workflow_helpers import ACCEPT, SUBMIT, act

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

AUDIT = """
query { auditLog(first: 1) { edges { node { operations targets succeeded changes } } } }
"""


async def test_merge_agencies_dry_run_previews_counts_and_changes_nothing(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    before = await snapshot(admin)

    payload = await merge(admin, merge_input([A, B], C, NEW_C), dry_run=True)

    assert payload["errors"] == []
    preview = payload["preview"]
    assert (preview["moving"], preview["finished"], preview["movingChildren"]) == (4, 3, [])
    by_source = {s["agencyCode"]: s for s in preview["sources"]}
    assert by_source[A] == {
        "agencyCode": A,
        "moving": 4,
        "finished": 3,
        "referencedOnly": 0,
        "movingCodes": sorted(history.open),
    }
    assert by_source[B] == {
        "agencyCode": B,
        "moving": 1,
        "finished": 1,
        "referencedOnly": 0,
        "movingCodes": [history.b_open],
    }
    assert payload["target"] == {
        "code": C,
        "name": NEW_C["name"],
        "state": "ACTIVE",
        "parentCode": CITY,
    }
    assert await snapshot(admin) == before
    assert await agency(admin, C) is None
    assert (await agency(admin, A) or {})["state"] == "ACTIVE"


async def test_merge_agencies_keeps_every_dossier_and_every_historical_figure(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    before = await snapshot(admin)

    payload = await merge(admin, merge_input([A, B], C, NEW_C))

    assert payload["errors"] == []
    assert payload["preview"]["moving"] == 4
    after = await snapshot(admin)
    assert len(after) == len(before) == 7
    assert set(after) == set(before)
    for code in history.finished:
        assert after[code] == before[code], code  # handling agency, timeliness, events...
    for code in history.open:
        old, new = before[code], after[code]
        assert new["handlingAgencyCode"] == C
        assert new["receivingAgencyCode"] == old["receivingAgencyCode"]
        assert (new["status"], new["dueAt"], new["currentStep"]) == (
            old["status"],
            old["dueAt"],
            old["currentStep"],
        )
        assert new["controlSlip"][:-1] == old["controlSlip"][:-1]  # finished steps
        assert new["timeline"]["edges"][:-1] == old["timeline"]["edges"]
        added = new["timeline"]["edges"][-1]["node"]
        assert (added["type"], added["agencyCode"]) == ("AGENCY_MERGED", C)
        assert added["payload"]["to"] == C
    # The open step moves where it was at A or B; the city's review step stays.
    assert after[history.b_open]["controlSlip"][-1]["agencyCode"] == C
    assert after[history.a_review]["controlSlip"][-1]["agencyCode"] == C
    assert after[history.b_at_city]["controlSlip"][-1]["agencyCode"] == CITY
    assert after[history.b_at_city]["controlSlip"][0]["agencyCode"] == B
    for code in (A, B):
        merged = await agency(admin, code)
        assert merged == {
            "code": code,
            "state": "MERGED",
            "parentCode": CITY,
            "mergedIntoCode": C,
            "mergedAt": "2026-03-10",
            "mergedInto": {"code": C, "state": "ACTIVE"},
        }
    assert (await agency(admin, C) or {})["parentCode"] == CITY


async def test_merge_agencies_lets_the_target_see_and_work_on_the_merged_dossiers(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    history = await make_history()
    await merge(admin, merge_input([A, B], C, NEW_C))

    everything = history.open | history.finished
    assert set(await snapshot(gql.as_role("officer:reception", agency=C))) == everything
    # Officers whose token still names a merged agency keep what names it: its history.
    seen_by_a = set(await snapshot(gql.as_role("officer:reception", agency=A)))
    assert seen_by_a == {
        history.a_open,
        history.a_review,
        history.a_done,
        history.a_refused,
        history.b_withdrawn,
    }
    seen_by_b = set(await snapshot(gql.as_role("officer:reception", agency=B)))
    assert seen_by_b == {history.b_open, history.b_withdrawn, history.b_at_city}

    payload = await act(
        gql.as_role("officer:reception", agency=C), "2026-03-10 09:00", ACCEPT, code=history.a_open
    )
    assert payload["errors"] == []
    assert payload["dossier"]["status"] == "IN_PROGRESS"


async def test_submission_at_a_merged_agency_gets_the_target_code_from_the_effective_date(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    await merge(admin, merge_input([A, B], C, NEW_C))
    fields = "code receivingAgencyCode handlingAgencyCode controlSlip { agencyCode }"
    query = SUBMIT.replace("code status", fields, 1)

    # A back-dated receipt (the day before the merge took effect) keeps A's code;
    # its work still goes to C, as all of A's open work did.
    before = await act(gql, "2026-03-09 15:00", query, input=submission(receivingAgencyCode=A))
    on_the_day = await act(gql, "2026-03-10 09:00", query, input=submission(receivingAgencyCode=A))
    at_b = await act(gql, "2026-03-10 09:30", query, input=submission(receivingAgencyCode=B))

    assert before["errors"] == on_the_day["errors"] == at_b["errors"] == []
    assert before["dossier"]["code"] == f"{A}-260309-0001"
    assert before["dossier"]["receivingAgencyCode"] == A
    assert before["dossier"]["handlingAgencyCode"] == C
    assert on_the_day["dossier"]["code"] == f"{C}-260310-0001"
    assert at_b["dossier"]["code"] == f"{C}-260310-0002"
    for dossier in (on_the_day["dossier"], at_b["dossier"]):
        assert dossier["receivingAgencyCode"] == dossier["handlingAgencyCode"] == C
        assert dossier["controlSlip"] == [{"agencyCode": C}]


async def test_merge_agencies_into_one_of_them_keeps_it_and_chains_later_merges(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    history = await make_history()

    payload = await merge(admin, merge_input([A, B], A))

    assert payload["errors"] == []
    assert payload["target"]["state"] == "ACTIVE"
    assert payload["preview"]["sources"] == [
        {
            "agencyCode": B,
            "moving": 1,
            "finished": 1,
            "referencedOnly": 1,  # at the city's step, handled by A
            "movingCodes": [history.b_open],
        }
    ]
    merged_b = await agency(admin, B) or {}
    assert (merged_b["state"], merged_b["mergedInto"]) == ("MERGED", {"code": A, "state": "ACTIVE"})
    after = await snapshot(admin)
    assert after[history.b_open]["controlSlip"][-1]["agencyCode"] == A
    assert event_types(after[history.b_at_city])[-1] != "AGENCY_MERGED"

    # Later A itself is merged into a new C: B's pointer leads on to C.
    later = await merge(admin, merge_input([A], C, NEW_C, "2026-03-20"), at="2026-03-20 08:00")
    assert later["errors"] == []
    assert (await resolve_current(B)).code == C
    seen_by_c = await snapshot(gql.as_role("officer:leader", agency=C))
    assert set(seen_by_c) == history.open | history.finished
    submitted = await act(gql, "2026-03-20 09:00", SUBMIT, input=submission(receivingAgencyCode=B))
    assert submitted["dossier"]["code"].startswith(f"{C}-260320-")


async def test_merge_agencies_is_recorded_in_the_audit_log(admin: GraphQLClient) -> None:
    await merge(admin, merge_input([A, B], C, NEW_C))

    record = (await admin.data(AUDIT))["auditLog"]["edges"][0]["node"]

    assert record["operations"] == ["mergeAgencies"]
    assert record["succeeded"] is True
    assert record["targets"] == [f"agency:{C}", f"agency:{A}", f"agency:{B}"]
    changes = {c["key"]: c for c in record["changes"]}
    assert changes[C]["before"] is None
    assert changes[A]["before"]["state"] == "ACTIVE"
    assert changes[A]["after"]["state"] == "MERGED"
    assert changes[A]["after"]["merged_into"] == C


@pytest.mark.parametrize("role", ["officer:reception", "agency_admin", "applicant"])
async def test_merge_agencies_is_forbidden_to_anyone_but_system_admins(
    gql: GraphQLClient, role: str
) -> None:
    body = await gql.as_role(role).execute(
        "mutation($i: MergeAgenciesInput!) { mergeAgencies(input: $i) { errors { code } } }",
        {"i": merge_input([A, B], C, NEW_C)},
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await agency(gql, A) or {})["state"] == "ACTIVE"


INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    ("no sources", merge_input([], A), "MERGE_INVALID", "sources"),
    ("only the target", merge_input([A], A), "MERGE_INVALID", "sources"),
    ("unknown source", merge_input(["000.00.01.X99"], A), "NOT_FOUND", "sources"),
    ("unknown target", merge_input([A], "000.00.01.X99"), "NOT_FOUND", "target"),
    ("target under a source", merge_input([CITY], A), "MERGE_INVALID", "target"),
    ("new target exists", merge_input([A], B, NEW_C), "ALREADY_EXISTS", "target"),
    ("new target a source", merge_input([A, C], C, NEW_C), "MERGE_INVALID", "target"),
    (
        "new target's parent unknown",
        merge_input([A], C, {**NEW_C, "parentCode": "000.00.01.X99"}),
        "NOT_FOUND",
        "newTarget.parentCode",
    ),
    (
        "effectiveAt on another day",
        merge_input([A], B, effective="2026-03-11", at="2026-03-12 09:00"),
        "VALIDATION_FAILED",
        "effectiveAt",
    ),
]


@pytest.mark.parametrize(("case", "input", "code", "field"), INVALID, ids=[c[0] for c in INVALID])
async def test_merge_agencies_with_invalid_input_returns_payload_errors(
    admin: GraphQLClient, case: str, input: dict[str, Any], code: str, field: str
) -> None:
    for dry_run in (True, False):
        payload = await merge(admin, input, dry_run=dry_run)

        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], case
        assert payload["preview"] is None
    states = [(await agency(admin, c) or {})["state"] for c in (A, B, CITY)]
    assert states == ["ACTIVE"] * 3


async def test_merge_agencies_refuses_agencies_that_were_already_merged(
    admin: GraphQLClient,
) -> None:
    assert (await merge(admin, merge_input([B], A)))["errors"] == []

    again = await merge(admin, merge_input([B], A), at=APPLIED_AT)
    into_merged = await merge(admin, merge_input([A], B))

    assert [(e["code"], e["field"]) for e in again["errors"]] == [("MERGE_INVALID", "sources")]
    assert [(e["code"], e["field"]) for e in into_merged["errors"]] == [("MERGE_INVALID", "target")]
