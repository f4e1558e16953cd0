"""The demo's history seeded item by item (demo/resumable.py): a seeding stopped half-way
resumes to the dossiers an uninterrupted one makes, and `serve`'s background seeding lets
the API answer, and take submissions, before it has finished (api/cli/demo_history.py)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.mongo_client import AsyncMongoClient

from api.app import create_app
from api.cli.demo_history import seeding_in_background
from api.settings import Settings
from demo.catalogue import CITY
from demo.resumable import HistoryProgress, history_progress, plan_history, seed_history
from demo.sample_data import sample_form_data
from demo.seeding import seed_catalogue
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import Procedure
from documents.common.clock import fixed_time
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from tests.catalogue import APPLICANT
from tests.conftest import BASE_URL, GraphQLClient, empty_database

pytestmark = pytest.mark.usefixtures("http")  # the models bound to the test's database

NOW = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)
DOSSIERS = 6
STOP_AFTER = 3
COUNT = "{ dossiers(first: 100) { edges { node { code } } } }"
SUBMIT = """
mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code status } errors { code field message } } }
"""


async def _history() -> Counter[tuple[Any, ...]]:
    """Each generated dossier as a user sees it, without its code (a sequence number
    that an extra dossier shifts): what, by whom, where, and its control slip."""
    seen: Counter[tuple[Any, ...]] = Counter()
    for dossier in await Dossier.find({"group_code": None}).to_list():
        events = await DossierEvent.find({"dossier_code": dossier.code}).sort("+_id").to_list()
        seen[
            (
                dossier.procedure_code,
                dossier.applicant.id_number,
                dossier.receiving_agency_code,
                dossier.channel,
                dossier.status,
                dossier.received_at,
                dossier.finished_at,
                tuple((e.type, e.at) for e in events),
            )
        ] += 1
    return seen


async def _stopped_part_way(hours: OfficeHours) -> None:
    """Seeding cancelled as it starts the dossier after the first `STOP_AFTER`: the
    cancellation lands at that dossier's first await (a kill mid-workflow is
    tests/demo/test_first_start.py's)."""
    seeding: asyncio.Task[HistoryProgress | None] | None = None

    def count(progress: HistoryProgress) -> None:
        if progress.dossiers_done == STOP_AFTER and seeding is not None:
            seeding.cancel()

    seeding = asyncio.create_task(seed_history(hours, on_each=count))
    await asyncio.gather(seeding, return_exceptions=True)


async def test_history_stopped_part_way_resumes_to_the_dossiers_of_an_uninterrupted_run(
    settings: Settings, janitor: AsyncMongoClient[dict[str, Any]]
) -> None:
    hours = settings.office_hours
    with fixed_time(NOW):
        await seed_catalogue()
        await plan_history(groups=False, dossiers=DOSSIERS)
        await seed_history(hours)
        whole = await _history()
        await empty_database(janitor[settings.database])

        await seed_catalogue()
        await plan_history(groups=False, dossiers=DOSSIERS)
        await _stopped_part_way(hours)
        stopped = await history_progress()
        assert stopped is not None
        assert stopped.dossiers_done == STOP_AFTER
        finished = await seed_history(hours)
        resumed = await _history()
    assert finished == HistoryProgress(0, 0, DOSSIERS, DOSSIERS)
    assert sum(whole.values()) == DOSSIERS
    # Every dossier of the uninterrupted run, the same; at most one more, cut off part
    # way: the one the stop interrupted, left as far as its workflow got.
    assert resumed - whole == Counter() or sum((resumed - whole).values()) == 1
    assert whole - resumed == Counter()
    extra = list((resumed - whole).elements())
    if extra:
        [cut] = extra
        [full] = [d for d in whole if d[:3] == cut[:3]]
        assert full[-1][: len(cut[-1])] == cut[-1]  # a prefix of that dossier's own slip


async def _submission() -> dict[str, Any]:
    procedure = await Procedure.find_all().sort("+code").first_or_none()
    assert procedure is not None
    data = sample_form_data(procedure.form_key, random.Random(1))
    return {
        "procedureCode": procedure.code,
        "receivingAgencyCode": procedure.agency_codes[0],
        "channel": "ONLINE",
        "applicant": APPLICANT,
        "data": data,
    }


async def test_serve_answers_and_takes_submissions_while_the_history_seeds(
    settings: Settings,
) -> None:
    await seed_catalogue()
    await plan_history(groups=True, dossiers=DOSSIERS)
    app = seeding_in_background(create_app(settings), settings.office_hours)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http,
    ):
        officer = GraphQLClient(http, settings).as_role("officer:reception", agency=CITY)
        await officer.data(COUNT)
        submitted = await officer.data(SUBMIT, {"input": await _submission()})
        assert submitted["submitDossier"]["errors"] == []
        during = await history_progress()
        assert during is not None
        assert not during.finished  # both answers came while the history was seeding
        # Polled as an operator would watch it: the app's task reports only to the log.
        while not (progress := await history_progress()) or not progress.finished:  # noqa: ASYNC110
            await asyncio.sleep(0.5)
        seen = await officer.data(COUNT)
        groups = await Dossier.find({"group_code": {"$ne": None}}).count()
    codes = {e["node"]["code"] for e in seen["dossiers"]["edges"]}
    assert submitted["submitDossier"]["dossier"]["code"] in codes
    assert len(codes) == DOSSIERS + 1 + groups
    assert progress == HistoryProgress(5, 5, DOSSIERS, DOSSIERS)
