"""The demo history never reaches back before the two-level tree of 1 July 2025: seeded
early in 2026, every dossier is received at, and routed to, agencies that existed then."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from api.settings import Settings
from demo.seeding import seed_catalogue, seed_dossiers
from documents.catalogue.agencies import TWO_LEVELS_FROM, Agency
from documents.common.clock import fixed_time, local_date
from documents.dossiers.dossier import Dossier

# Monday 2 March 2026, 09:00 in Hà Nội: a year back would be before 1 July 2025.
EARLY_2026 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def test_demo_seeded_early_in_2026_stays_inside_the_two_level_tree(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    await seed_catalogue()
    with fixed_time(EARLY_2026):
        await seed_dossiers(40, settings.office_hours)
    dossiers = await Dossier.find_all().to_list()
    assert len(dossiers) == 40
    tree = {a.code: a for a in await Agency.find_all().to_list()}
    for dossier in dossiers:
        day = local_date(dossier.received_at)
        assert TWO_LEVELS_FROM <= day <= local_date(EARLY_2026), dossier.code
        assert tree[dossier.receiving_agency_code].valid_on(day), dossier.code
