"""The demo's apologies (Mẫu 04): a small share of the seeded dossiers that were about to
be late got one, while in progress and before any decision, at least a working day
before the deadline, with a later appointment; the history stays in time order and the
statistics still agree with the dossiers."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from api.settings import Settings
from demo.seeding import seed_catalogue, seed_dossiers
from documents.calendar.declared_days import load_calendar
from documents.common.clock import fixed_time, local_date
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.statuses import DossierStatus
from documents.statistics.rebuild import verify

# Monday 14 September 2026, 10:00 in Hà Nội: the same history on every run.
NOW = datetime(2026, 9, 14, 3, 0, tzinfo=UTC)
DECISIONS = {
    EventType.APPROVED,
    EventType.REJECTED,
    EventType.PROCESSING_STOPPED,
    EventType.WITHDRAWN,
}


async def test_some_demo_dossiers_about_to_be_late_apologise_before_the_decision(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    await seed_catalogue()
    with fixed_time(NOW):
        await seed_dossiers(60, settings.office_hours)
    dossiers = await Dossier.find_all().to_list()
    apologised = [d for d in dossiers if d.apology is not None]
    assert 0 < len(apologised) <= len(dossiers) // 5, "a small share apologises"
    calendar = await load_calendar(settings.office_hours)

    for dossier in apologised:
        apology = dossier.apology
        assert apology is not None
        events = (
            await DossierEvent.find(DossierEvent.dossier_code == dossier.code)
            .sort("+position")
            .to_list()
        )
        assert [e.at for e in events] == sorted(e.at for e in events), dossier.code
        kinds = [e.type for e in events]
        issued = kinds.index(EventType.APOLOGY_ISSUED)
        assert kinds.count(EventType.APOLOGY_ISSUED) == 1
        event = events[issued]
        assert (event.from_status, event.to_status) == (
            DossierStatus.IN_PROGRESS,
            DossierStatus.IN_PROGRESS,
        )
        assert EventType.ACCEPTED in kinds[:issued]
        assert not DECISIONS & set(kinds[:issued]), dossier.code
        assert event.at == apology.issued_at
        assert calendar.working_days_between(local_date(event.at), local_date(dossier.due_at)) >= 1
        assert apology.previous_appointment_at is not None
        assert apology.new_appointment_at > apology.previous_appointment_at
        assert dossier.appointment_at == apology.new_appointment_at
        assert apology.reason
        # It was about to be late: decided after its deadline, or still open past it.
        assert (dossier.finished_at or NOW) > dossier.due_at, dossier.code

    assert await verify(settings.office_hours) == []
