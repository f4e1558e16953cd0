"""A split racing officers' actions: whatever commits is kept; the loser is told CONFLICT
(the same guarantees as merges: tests/schema/merges/test_merge_concurrency.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.merges import splitting
from documents.workflow import acting
from documents.workflow.processing import Act, perform
from documents.workflow.transitions import Action
from tests.catalogue import OTHER_WARD
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import A, make_history
from tests.schema.merges.split_helpers import split, split_input
from tests.schema.workflow.workflow_helpers import ASSIGN

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


async def _stored(code: str) -> Dossier:
    found = await Dossier.find_one(Dossier.code == code)
    assert found is not None
    return found


async def _events(code: str, kind: EventType) -> int:
    return await DossierEvent.find({"dossier_code": code, "type": kind.value}).count()


def _everything_to_the_other_ward() -> dict[str, Any]:
    return split_input("BY_LIST", default=OTHER_WARD)


async def test_officer_who_read_a_dossier_before_a_split_gets_conflict_not_a_lost_update(
    admin: GraphQLClient,
) -> None:
    history = await make_history()

    async def assigning_after_the_split(act: Act) -> tuple[EventType, dict[str, Any]]:
        # The officer has read the dossier; the split commits before the officer writes.
        assert (await split(admin, _everything_to_the_other_ward()))["errors"] == []
        act.dossier.assignee = "officer"
        return EventType.ASSIGNED, {"user": "officer"}

    with pytest.raises(DomainError) as raised:
        await perform(
            history.a_open,
            Action.ASSIGN,
            assigning_after_the_split,
            Actor("o", A),
            hours=OfficeHours(),
        )

    assert raised.value.code is ErrorCode.CONFLICT
    stored = await _stored(history.a_open)
    assert (stored.handling_agency_code, stored.assignee) == (OTHER_WARD, None)
    again = await acting.assign(
        history.a_open, "officer", Actor("o", OTHER_WARD), hours=OfficeHours()
    )
    assert (again.handling_agency_code, again.assignee) == (OTHER_WARD, "officer")
    assert await _events(history.a_open, EventType.AGENCY_SPLIT) == 1
    assert await _events(history.a_open, EventType.ASSIGNED) == 1


async def test_officer_change_after_the_split_read_a_dossier_is_kept(
    admin: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = await make_history()
    original = splitting.move_dossiers
    calls = 0

    async def officer_acts_in_between(dossiers: list[Dossier], *args: Any) -> list[str]:
        # The split's transaction has read the open dossiers; an officer now commits a
        # change to one of them before the split writes it.
        nonlocal calls
        calls += 1
        if calls == 1:
            await acting.assign(history.b_open, "officer", Actor("o", A), hours=OfficeHours())
        return await original(dossiers, *args)

    monkeypatch.setattr(splitting, "move_dossiers", officer_acts_in_between)
    payload = await split(admin, _everything_to_the_other_ward())

    stored = await _stored(history.b_open)
    assert stored.assignee == "officer"  # the officer's change survived
    assert await _events(history.b_open, EventType.ASSIGNED) == 1
    if payload["errors"]:  # the split aborted as a whole and may be run again
        assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
        assert stored.handling_agency_code == A
        assert await DossierEvent.find({"type": "AGENCY_SPLIT"}).count() == 0
    else:  # the transaction was retried from a fresh read
        assert calls == 2
        assert stored.handling_agency_code == OTHER_WARD
        assert await _events(history.b_open, EventType.AGENCY_SPLIT) == 1


async def test_split_racing_officers_keeps_every_committed_change(
    gql: GraphQLClient, admin: GraphQLClient
) -> None:
    history = await make_history()
    codes = sorted(history.open)
    users = {code: f"officer-{i}" for i, code in enumerate(codes)}

    done, *assigned = await asyncio.gather(
        split(admin, _everything_to_the_other_ward()),
        *(gql.data(ASSIGN, {"code": code, "user": users[code]}) for code in codes),
    )

    assert [e["code"] for e in done["errors"]] in ([], ["CONFLICT"])
    split_won = done["errors"] == []
    for code, result in zip(codes, assigned, strict=True):
        errors = result["assignDossier"]["errors"]
        assert [e["code"] for e in errors] in ([], ["CONFLICT"]), code
        stored = await _stored(code)
        officer_won = errors == []
        assert stored.assignee == (users[code] if officer_won else None), code
        assert await _events(code, EventType.ASSIGNED) == int(officer_won), code
        assert stored.handling_agency_code == (OTHER_WARD if split_won else A), code
        assert await _events(code, EventType.AGENCY_SPLIT) == int(split_won), code
    assert await Dossier.find_all().count() == 7
