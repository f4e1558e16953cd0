"""Scheduled merges: stored when their moment is ahead, applied by the scheduler at that
moment exactly once, failed with a reason when their checks fail then, cancellable."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from api.workers.merge_scheduler import apply_due
from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import fixed_time
from documents.dossiers.events import DossierEvent, EventType
from documents.merges.scheduling import apply_due_merges
from documents.statistics.rebuild import verify
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import (
    NEW_C,
    A,
    B,
    C,
    agency,
    make_history,
    merge,
    merge_input,
    snapshot,
)
from tests.schema.workflow.workflow_helpers import local

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

# Merges are sent at 08:00 (merge_helpers.APPLIED_AT); this is one minute ahead.
ONE_MINUTE_AHEAD = "2026-03-10 08:01"
SCHEDULED = """
query($status: ScheduledMergeStatus) { scheduledMerges(status: $status) {
  id sources target newTargetName effectiveDate appliesAt status scheduledBy finishedAt moved
  failure { code reason message field dossierCodes }
} }
"""
CANCEL = """
mutation($id: ID!) { cancelScheduledMerge(id: $id) {
  scheduled { id status finishedAt } errors { code reason field }
} }
"""
AUDIT = """
query { auditLog(first: 5) { edges { node {
  actorKind operations targets succeeded errors changes
} } } }
"""


async def scheduled(admin: GraphQLClient, status: str | None = None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await admin.data(SCHEDULED, {"status": status}))[
        "scheduledMerges"
    ]
    return found


async def run_scheduler(at: str) -> int:
    """One round of the API's merge scheduler, its clock at the Hà Nội time `at`."""
    with fixed_time(local(at)):
        return await apply_due(OfficeHours())


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def merged_events() -> int:
    return await DossierEvent.find({"type": EventType.AGENCY_MERGED.value}).count()


async def test_merge_one_minute_ahead_is_scheduled_then_applied_when_due(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    before = await snapshot(admin)

    payload = await merge(admin, merge_input([A, B], C, NEW_C, at=ONE_MINUTE_AHEAD))

    assert payload["errors"] == []
    assert payload["preview"]["moving"] == 4  # checked and previewed now
    assert payload["scheduled"]["status"] == "SCHEDULED"
    assert moment(payload["scheduled"]["appliesAt"]) == local(ONE_MINUTE_AHEAD)
    assert await snapshot(admin) == before  # nothing applied yet
    assert await agency(admin, C) is None

    # A round 59 seconds later applies nothing: it is not due.
    assert await run_scheduler("2026-03-10 08:00:59") == 0
    assert (await agency(admin, A) or {})["state"] == "ACTIVE"
    assert await merged_events() == 0

    assert await run_scheduler("2026-03-10 08:01:05") == 1

    assert (await agency(admin, A) or {})["state"] == "MERGED"
    after = await snapshot(admin)
    for code in history.open:
        assert after[code]["handlingAgencyCode"] == C
        added = after[code]["timeline"]["edges"][-1]["node"]
        assert (added["type"], moment(added["at"])) == (
            "AGENCY_MERGED",
            local("2026-03-10 08:01:05"),
        )
    for code in history.finished:
        assert after[code] == before[code]
    assert await merged_events() == 4
    [applied] = await scheduled(admin)
    assert (applied["status"], applied["moved"], applied["failure"]) == ("APPLIED", 4, None)
    # Statistics followed the moved dossiers: `motcua stats verify` finds no difference.
    assert await verify(OfficeHours()) == []
    # A later round does not apply it again.
    assert await run_scheduler("2026-03-10 09:00") == 0
    assert await merged_events() == 4


async def test_scheduling_and_applying_are_recorded_in_the_audit_log(
    admin: GraphQLClient,
) -> None:
    payload = await merge(admin, merge_input([A, B], C, NEW_C, at=ONE_MINUTE_AHEAD))
    merge_id = payload["scheduled"]["id"]
    await run_scheduler("2026-03-10 08:02")

    records = [e["node"] for e in (await admin.data(AUDIT))["auditLog"]["edges"]]

    applying, scheduling = records[0], records[1]
    assert (applying["actorKind"], applying["operations"]) == (
        "SCHEDULER",
        ["applyScheduledMerge"],
    )
    assert applying["succeeded"] is True
    assert applying["targets"] == [
        f"scheduledMerge:{merge_id}",
        f"agency:{C}",
        f"agency:{A}",
        f"agency:{B}",
    ]
    assert applying["changes"][0]["after"]["status"] == "APPLIED"
    assert scheduling["operations"] == ["mergeAgencies"]
    assert scheduling["targets"] == [f"scheduledMerge:{merge_id}"]
    assert scheduling["changes"][0]["after"]["status"] == "SCHEDULED"


async def test_scheduled_merge_is_applied_once_by_concurrent_schedulers(
    admin: GraphQLClient,
) -> None:
    """Three rounds racing, as several processes' would: the merge's status changes in
    the same transaction as the merge, on the condition that it is still scheduled."""
    history = await make_history()
    await merge(admin, merge_input([A, B], C, NEW_C, at=ONE_MINUTE_AHEAD))
    later = local("2026-03-10 08:05")

    rounds = await asyncio.gather(*(apply_due_merges(OfficeHours(), later) for _ in range(3)))

    assert sorted(len(r) for r in rounds) == [0, 0, 1]
    assert [m["status"] for m in await scheduled(admin)] == ["APPLIED"]
    for code in history.open:
        events = await DossierEvent.find(
            {"dossier_code": code, "type": EventType.AGENCY_MERGED.value}
        ).count()
        assert events == 1, code


async def test_scheduled_merge_that_fails_its_checks_when_due_is_marked_failed(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    payload = await merge(admin, merge_input([A], C, NEW_C, at=ONE_MINUTE_AHEAD))
    assert payload["scheduled"]["status"] == "SCHEDULED"
    # Before it is due, A is merged into B by another, immediate merge.
    assert (await merge(admin, merge_input([A], B)))["errors"] == []
    before = await snapshot(admin)

    assert await run_scheduler("2026-03-10 08:02") == 1

    [failed] = await scheduled(admin, "FAILED")
    assert failed["failure"]["code"] == "MERGE_INVALID"
    assert failed["failure"]["reason"] == "NOT_ACTIVE"
    assert failed["failure"]["field"] == "sources"
    assert failed["moved"] is None
    assert await snapshot(admin) == before  # nothing changed
    assert await agency(admin, C) is None
    assert before[history.a_open]["handlingAgencyCode"] == B
    records = [e["node"] for e in (await admin.data(AUDIT))["auditLog"]["edges"]]
    assert (records[0]["operations"], records[0]["succeeded"]) == (["applyScheduledMerge"], False)
    assert records[0]["errors"] == ["MERGE_INVALID at sources"]


async def test_scheduled_merge_can_be_cancelled_and_then_never_applies(
    admin: GraphQLClient,
) -> None:
    await make_history()
    payload = await merge(admin, merge_input([A, B], C, NEW_C, at=ONE_MINUTE_AHEAD))
    merge_id = payload["scheduled"]["id"]

    cancelled = (await admin.data(CANCEL, {"id": merge_id}))["cancelScheduledMerge"]
    again = (await admin.data(CANCEL, {"id": merge_id}))["cancelScheduledMerge"]
    unknown = (await admin.data(CANCEL, {"id": "nope"}))["cancelScheduledMerge"]

    assert (cancelled["errors"], cancelled["scheduled"]["status"]) == ([], "CANCELLED")
    assert [(e["code"], e["reason"]) for e in again["errors"]] == [
        ("MERGE_INVALID", "NOT_SCHEDULED")
    ]
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    assert await run_scheduler("2026-03-10 09:00") == 0
    assert (await agency(admin, A) or {})["state"] == "ACTIVE"
    assert await scheduled(admin, "SCHEDULED") == []


async def test_a_future_merge_is_checked_now_and_a_dry_run_stores_nothing(
    admin: GraphQLClient,
) -> None:
    await make_history()
    tomorrow = merge_input([A, B], C, NEW_C, "2026-03-11")

    dry = await merge(admin, tomorrow, dry_run=True)
    unknown = await merge(admin, merge_input(["000.00.01.X99"], C, NEW_C, "2026-03-11"))

    assert dry["errors"] == []
    assert (dry["preview"]["moving"], dry["scheduled"]) == (4, None)
    assert [(e["code"], e["field"]) for e in unknown["errors"]] == [("NOT_FOUND", "sources")]
    assert await scheduled(admin) == []

    stored = await merge(admin, tomorrow)
    # A merge dated tomorrow with no moment applies at 00:00 Hà Nội time that day.
    assert moment(stored["scheduled"]["appliesAt"]) == local("2026-03-11 00:00")
    overlapping = await merge(admin, merge_input([B], A, effective="2026-03-12"))
    assert [(e["code"], e["reason"]) for e in overlapping["errors"]] == [
        ("MERGE_INVALID", "ALREADY_SCHEDULED")
    ]
    assert [m["status"] for m in await scheduled(admin)] == ["SCHEDULED"]
    assert (await run_scheduler("2026-03-10 23:59")) == 0
    assert (await run_scheduler("2026-03-11 00:00")) == 1
    assert (await agency(admin, B) or {})["state"] == "MERGED"


async def test_scheduled_merges_are_for_system_admins_only(gql: GraphQLClient) -> None:
    body = await gql.as_role("agency_admin").execute(SCHEDULED, {"status": None})

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
