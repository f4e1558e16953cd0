"""After a merge, statistics follow the moved dossiers with no rebuild; a back-dated merge
that history contradicts, or with agencies that did not exist then, changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency
from documents.dossiers.actor import Actor
from documents.statistics.facts import DossierFact
from documents.statistics.rebuild import verify
from documents.workflow import acting
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


async def stats_differences() -> list[str]:
    """What `motcua stats verify` prints: the stored roll-ups against a recomputation,
    now (the history's facts were computed at the real time, whatever `at` said)."""
    return await verify(OfficeHours())


async def facts_by_agency() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for fact in await DossierFact.find_all().to_list():
        found.setdefault(fact.agency_code, set()).add(fact.dossier_code)
    return found


async def test_merge_moves_the_statistics_of_open_dossiers_without_a_rebuild(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    assert await stats_differences() == []
    finished_before = {
        f.dossier_code: f.model_dump(exclude={"revision_id"})
        for f in await DossierFact.find(
            {"dossier_code": {"$in": sorted(history.finished)}}
        ).to_list()
    }

    payload = await merge(admin, merge_input([A, B], C, NEW_C))

    assert payload["errors"] == []
    assert await stats_differences() == []  # `motcua stats verify` agrees, no rebuild
    by_agency = await facts_by_agency()
    assert history.open <= by_agency[C]
    # Past figures stay as they were: finished dossiers' facts are untouched.
    finished_after = {
        f.dossier_code: f.model_dump(exclude={"revision_id"})
        for f in await DossierFact.find(
            {"dossier_code": {"$in": sorted(history.finished)}}
        ).to_list()
    }
    assert finished_after == finished_before


async def test_merge_ends_the_sources_and_starts_a_new_target_on_the_effective_date(
    admin: GraphQLClient,
) -> None:
    await merge(admin, merge_input([A, B], C, NEW_C))

    for code in (A, B):
        stored = await Agency.find_one(Agency.code == code)
        assert stored is not None
        assert (stored.valid_to, stored.valid_on(date(2026, 3, 9))) == (date(2026, 3, 9), True)
        assert not stored.valid_on(date(2026, 3, 10))
    new = await Agency.find_one(Agency.code == C)
    assert new is not None
    assert new.valid_from == date(2026, 3, 10)


async def test_backdated_merge_contradicted_by_later_work_at_a_source_changes_nothing(
    admin: GraphQLClient,
) -> None:
    history = await make_history()
    # Someone acted for A on 8 March; a merge dated 6 March would say A was gone then.
    await acting.assign(
        history.a_review,
        "expert",
        Actor("leader", A),
        hours=OfficeHours(),
        at=local("2026-03-08 10:00"),
    )
    before = await snapshot(admin)

    payload = await merge(admin, merge_input([A, B], C, NEW_C, "2026-03-06"))

    assert [(e["code"], e["reason"], e["field"]) for e in payload["errors"]] == [
        ("MERGE_INVALID", "BACKDATED_CONFLICT", "effectiveDate")
    ]
    # b_at_city was received at B on 5 March, b_open on 4 March: only work from the
    # 6th on counts — the assignment at A.
    assert payload["errors"][0]["dossierCodes"] == [history.a_review]
    assert await snapshot(admin) == before
    assert await agency(admin, C) is None
    assert (await agency(admin, A) or {})["state"] == "ACTIVE"

    # A day after the last work at a source, the same merge goes through.
    later = await merge(admin, merge_input([A, B], C, NEW_C, "2026-03-09"))
    assert later["errors"] == []
    assert later["preview"]["moving"] == 4


async def test_backdated_merge_counts_receipts_at_a_source_after_the_date(
    admin: GraphQLClient,
) -> None:
    history = await make_history()

    payload = await merge(admin, merge_input([A, B], C, NEW_C, "2026-03-05"))

    # b_at_city was received at B on 5 March and a step started at the city: its
    # receipt at B contradicts a merge from the 5th. Nothing else happened that day.
    assert [(e["reason"], e["dossierCodes"]) for e in payload["errors"]] == [
        ("BACKDATED_CONFLICT", [history.b_at_city])
    ]


async def test_merge_into_an_agency_that_does_not_exist_yet_on_the_date_is_refused(
    admin: GraphQLClient,
) -> None:
    await Agency.find_one(Agency.code == B).set({"valid_from": date(2026, 4, 1)})

    payload = await merge(admin, merge_input([A], B))

    assert [(e["code"], e["reason"], e["field"]) for e in payload["errors"]] == [
        ("MERGE_INVALID", "NOT_VALID_ON_DATE", "target")
    ]
    assert (await agency(admin, A) or {})["state"] == "ACTIVE"
