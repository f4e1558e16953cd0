"""The done-when of scheduled merges on the demo data: a merge scheduled one minute ahead
is not applied early, applies itself when due, and statistics then agree with
`motcua stats verify` without a rebuild."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx

from api.settings import Settings
from api.workers.merge_scheduler import apply_due
from demo.seeding import seed_catalogue, seed_dossiers
from documents.catalogue.agencies import Agency, AgencyLevel, AgencyState
from documents.common.clock import fixed_time, local_date, utcnow
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.merges.scheduling import ScheduledMerge, ScheduleStatus
from documents.statistics.rebuild import verify
from tests.conftest import GraphQLClient

MERGE = """
mutation($input: MergeAgenciesInput!) { mergeAgencies(input: $input) {
  preview { moving } scheduled { id status appliesAt } errors { code reason message }
} }
"""
LOCAL_UNITS = {AgencyLevel.WARD, AgencyLevel.COMMUNE}


async def _busiest_ward_and_a_sibling() -> tuple[Agency, Agency]:
    """The ward or commune handling most open dossiers, and another one of its city."""
    open_ones = await Dossier.find({"finished_at": None}).to_list()
    today = local_date(utcnow())
    wards = {
        a.code: a
        for a in await Agency.find_all().to_list()
        if a.level in LOCAL_UNITS and a.state is AgencyState.ACTIVE and a.valid_on(today)
    }
    handled = Counter(d.handling_agency_code for d in open_ones if d.handling_agency_code in wards)
    source = wards[handled.most_common(1)[0][0]]
    target = next(
        a
        for a in sorted(wards.values(), key=lambda a: a.code)
        if a.code != source.code and a.parent_code == source.parent_code
    )
    return source, target


async def test_demo_merge_scheduled_one_minute_ahead_applies_itself_and_stats_agree(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    # The module's app runs no background services: the test runs the scheduler's
    # rounds itself, with a chosen clock.
    await seed_catalogue()
    await seed_dossiers(40, settings.office_hours)
    assert await verify(settings.office_hours) == []
    source, target = await _busiest_ward_and_a_sibling()
    now = utcnow()
    ahead = now + timedelta(minutes=1)
    admin = GraphQLClient(http, settings).as_role("system_admin")

    with fixed_time(now):
        payload = (
            await admin.data(
                MERGE,
                {
                    "input": {
                        "sources": [source.code],
                        "target": target.code,
                        "effectiveDate": local_date(ahead).isoformat(),
                        "effectiveAt": ahead.isoformat(),
                    }
                },
            )
        )["mergeAgencies"]

    assert payload["errors"] == []
    moving = payload["preview"]["moving"]
    assert moving > 0
    assert payload["scheduled"]["status"] == "SCHEDULED"
    # Thirty seconds on, the scheduler's round leaves it alone.
    with fixed_time(now + timedelta(seconds=30)):
        assert await apply_due(settings.office_hours) == 0
    still = await Agency.find_one(Agency.code == source.code)
    assert still is not None
    assert still.state is AgencyState.ACTIVE
    assert await DossierEvent.find({"type": EventType.AGENCY_MERGED.value}).count() == 0

    with fixed_time(ahead + timedelta(seconds=1)):
        assert await apply_due(settings.office_hours) == 1

    merged = await Agency.find_one(Agency.code == source.code)
    assert merged is not None
    assert (merged.state, merged.merged_into) == (AgencyState.MERGED, target.code)
    [applied] = await ScheduledMerge.find_all().to_list()
    assert (applied.status, applied.moved) == (ScheduleStatus.APPLIED, moving)
    assert await DossierEvent.find({"type": EventType.AGENCY_MERGED.value}).count() == moving
    # No `motcua stats rebuild`: the roll-ups already agree with the dossiers.
    assert await verify(settings.office_hours) == []
