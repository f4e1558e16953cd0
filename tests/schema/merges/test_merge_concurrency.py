"""A merge racing officers' actions: whatever commits is kept; the loser is told CONFLICT.

What the implementation guarantees: every dossier write (the merge's and the
officer's) checks the revision it read, and the merge runs in one transaction. So an
officer who read a dossier before the merge committed gets CONFLICT and can reload
and retry; a merge that meets a dossier changed after it read it is retried by the
transaction or aborts as a whole with CONFLICT. No interleaving loses an update.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.merges import merging
from documents.workflow import acting
from documents.workflow.processing import Act, perform
from documents.workflow.transitions import Action
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import NEW_C, A, B, C, make_history, merge, merge_input
from tests.schema.workflow.workflow_helpers import ASSIGN

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


async def _stored(code: str) -> Dossier:
    found = await Dossier.find_one(Dossier.code == code)
    assert found is not None
    return found


async def _events(code: str, kind: EventType) -> list[DossierEvent]:
    return await DossierEvent.find({"dossier_code": code, "type": kind.value}).to_list()


async def test_officer_who_read_a_dossier_before_a_merge_gets_conflict_not_a_lost_update(
    admin: GraphQLClient,
) -> None:
    history = await make_history()

    async def assigning_after_the_merge(act: Act) -> tuple[EventType, dict[str, Any]]:
        # The officer has read the dossier; the merge commits before the officer writes.
        assert (await merge(admin, merge_input([A, B], C, NEW_C)))["errors"] == []
        act.dossier.assignee = "officer"
        return EventType.ASSIGNED, {"user": "officer"}

    with pytest.raises(DomainError) as raised:
        await perform(
            history.a_open,
            Action.ASSIGN,
            assigning_after_the_merge,
            Actor("o", A),
            hours=OfficeHours(),
        )

    assert raised.value.code is ErrorCode.CONFLICT
    stored = await _stored(history.a_open)
    assert (stored.handling_agency_code, stored.assignee) == (C, None)
    # Reloaded and retried, the officer's change lands on top of the merge.
    again = await acting.assign(history.a_open, "officer", Actor("o", C), hours=OfficeHours())
    assert (again.handling_agency_code, again.assignee) == (C, "officer")
    assert len(await _events(history.a_open, EventType.AGENCY_MERGED)) == 1
    assert len(await _events(history.a_open, EventType.ASSIGNED)) == 1


async def test_merge_racing_officers_keeps_every_committed_change(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    """Whatever interleaving the event loop gives (the tests around this one force
    the two hard orders), every outcome committed is kept and counted once."""
    history = await make_history()
    codes = sorted(history.open)
    users = {code: f"officer-{i}" for i, code in enumerate(codes)}

    merged, *assigned = await asyncio.gather(
        merge(admin, merge_input([A, B], C, NEW_C)),
        *(gql.data(ASSIGN, {"code": code, "user": users[code]}) for code in codes),
    )

    assert [e["code"] for e in merged["errors"]] in ([], ["CONFLICT"])
    merge_won = merged["errors"] == []
    for code, result in zip(codes, assigned, strict=True):
        errors = result["assignDossier"]["errors"]
        assert [e["code"] for e in errors] in ([], ["CONFLICT"]), code
        stored = await _stored(code)
        officer_won = errors == []
        assert stored.assignee == (users[code] if officer_won else None), code
        assert len(await _events(code, EventType.ASSIGNED)) == int(officer_won), code
        assert stored.handling_agency_code == (C if merge_won else A), code
        assert len(await _events(code, EventType.AGENCY_MERGED)) == int(merge_won), code
    assert await Dossier.find_all().count() == 7


async def test_officer_change_after_the_merge_read_a_dossier_is_kept(
    admin: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = await make_history()
    original = merging.move_dossiers
    calls = 0

    async def officer_acts_in_between(dossiers: list[Dossier], *args: Any) -> list[str]:
        # The merge's transaction has read the open dossiers; an officer now commits a
        # change to one of them before the merge writes it.
        nonlocal calls
        calls += 1
        if calls == 1:
            await acting.assign(history.b_open, "officer", Actor("o", B), hours=OfficeHours())
        return await original(dossiers, *args)

    monkeypatch.setattr(merging, "move_dossiers", officer_acts_in_between)
    payload = await merge(admin, merge_input([A, B], C, NEW_C))

    stored = await _stored(history.b_open)
    assert stored.assignee == "officer"  # the officer's change survived
    assert len(await _events(history.b_open, EventType.ASSIGNED)) == 1
    if payload["errors"]:  # the merge aborted as a whole and may be run again
        assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
        assert stored.handling_agency_code == A
        assert await DossierEvent.find({"type": "AGENCY_MERGED"}).count() == 0
    else:  # the transaction was retried from a fresh read
        assert calls == 2
        assert stored.handling_agency_code == C
        assert len(await _events(history.b_open, EventType.AGENCY_MERGED)) == 1
