"""Roll-ups follow the dossiers idempotently; verify notices drift and rebuild repairs it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import DossierStatus
from documents.statistics.contributions import FactInputs
from documents.statistics.facts import compute_fact, delta
from documents.statistics.indicators import segments
from documents.statistics.rebuild import rebuild, verify
from documents.statistics.tables import ALL, Level, Span, StatsDay, expanded
from tests.catalogue import WARD
from tests.conftest import GraphQLClient
from tests.schema.statistics.statistics_helpers import (
    FILE,
    RATE,
    RATING,
    as_applicant,
    open_dossier,
    refused_dossier,
    returned_dossier,
)
from tests.schema.workflow.workflow_helpers import (
    REQUEST_SUPPLEMENT,
    SUPPLEMENT,
    WITHDRAW,
    act,
)

CALENDAR = WorkingCalendar()
NOTHING = FactInputs()
BEFORE_DUE = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
AFTER_DUE = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)


def _dossier(**fields: object) -> Dossier:
    at = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
    values: dict[str, object] = {
        "code": f"{WARD}-260303-0001",
        "procedure_code": "9.000001",
        "form_key": "permit",
        "form_version": 1,
        "applicant": Applicant(
            kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="An"
        ),
        "channel": Channel.ONLINE,
        "receiving_agency_code": WARD,
        "handling_agency_code": WARD,
        "received_at": at,
        "updated_at": at,
        "due_at": datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
        "appointment_at": datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
        **fields,
    }
    return Dossier.model_validate(values)


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_rollup_delta_of_an_unchanged_dossier_is_empty() -> None:
    dossier = _dossier()
    fact = compute_fact(dossier, CALENDAR, NOTHING, BEFORE_DUE)
    assert delta(fact, compute_fact(dossier, CALENDAR, NOTHING, BEFORE_DUE)) == {}


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_rollup_delta_moves_a_finished_dossier_from_open_to_resolved() -> None:
    opened = compute_fact(_dossier(), CALENDAR, NOTHING, BEFORE_DUE)
    finished = _dossier(
        status=DossierStatus.RESULT_READY,
        finished_at=datetime(2026, 3, 9, 3, 0, tzinfo=UTC),  # Monday
        timeliness=Timeliness.LATE,
    )
    changes = delta(opened, compute_fact(finished, CALENDAR, NOTHING, BEFORE_DUE))
    assert changes == {
        (WARD, "9.000001", "2026-03-03"): {"open": -1},
        (WARD, "9.000001", "2026-03-09"): {
            "resolved": 1,
            "processing_days": 4,
            "legal_days": 3,
            "unsatisfied": 1,  # late
        },
    }


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_rollup_fact_counts_overdue_once_the_deadline_passes_while_the_clock_runs() -> None:
    before = compute_fact(_dossier(), CALENDAR, NOTHING, BEFORE_DUE)
    after = compute_fact(_dossier(), CALENDAR, NOTHING, AFTER_DUE)
    assert before.open_due_at is not None
    assert not before.counts_overdue
    assert after.counts_overdue
    # Overdue is counted on the day it was received, like "in progress".
    assert delta(before, after) == {(WARD, "9.000001", "2026-03-03"): {"overdue": 1}}
    waiting = _dossier(status=DossierStatus.SUPPLEMENT_REQUESTED)
    paused = compute_fact(waiting, CALENDAR, NOTHING, AFTER_DUE)
    assert paused.open_due_at is None
    assert not paused.counts_overdue


def test_expanded_adds_each_cell_change_to_every_level_and_its_month() -> None:
    rows = expanded({(WARD, "9.000001", "2026-03-03"): {"received": 2, "open": -1}})
    keys = {(a, p, d) for a, p, d in rows}
    assert keys == {
        (agency, procedure, day)
        for agency in (WARD, ALL)
        for procedure in ("9.000001", ALL)
        for day in ("2026-03-03", "2026-03")
    }
    assert all(counters == {"received": 2, "open": -1} for counters in rows.values())
    two_cells = expanded(
        {
            (WARD, "9.000001", "2026-03-03"): {"received": 1},
            (WARD, "1.2", "2026-03-04"): {"received": 1},
        }
    )
    assert two_cells[(WARD, ALL, "2026-03")] == {"received": 2}
    assert two_cells[(ALL, ALL, "2026-03-04")] == {"received": 1}


@pytest.mark.usefixtures("tiny_catalogue")
async def test_rollups_verify_after_workflow_activity_and_rebuild_repairs_drift(
    gql: GraphQLClient,
) -> None:
    code = await returned_dossier(gql, "2026-03-03")
    await as_applicant(gql, "2026-03-04 09:00", RATE, code=code, input=RATING)
    await as_applicant(gql, "2026-03-04 09:30", FILE, code=code, kind="COMPLAINT", text="Chậm")
    await refused_dossier(gql, "2026-03-04")
    waiting = await open_dossier(gql, "2026-03-05")
    items = [{"item": "Giấy khai sinh", "reason": "Thiếu"}]
    await act(gql, "2026-03-05 10:00", REQUEST_SUPPLEMENT, code=waiting, items=items)
    await act(gql, "2026-03-06 10:00", SUPPLEMENT, code=waiting, data={"floors": 2}, note=None)
    withdrawn = await open_dossier(gql, "2026-03-06")
    await act(gql, "2026-03-06 11:00", WITHDRAW, code=withdrawn, reason="Không cần nữa")
    # A replayed action changes nothing: the same fact, a zero delta.
    await act(gql, "2026-03-06 11:05", WITHDRAW, code=withdrawn, reason="Không cần nữa")
    assert await verify(OfficeHours()) == []

    cell = {"day": "2026-03-03", "level": Level.CELL.value}
    row = await StatsDay.find_one(cell)
    assert row is not None
    row.received += 5
    await row.save()
    assert await verify(OfficeHours()) == [
        f"{WARD} 9.000001 2026-03-03 received: stored 6, expected 1"
    ]
    await rebuild(OfficeHours())
    assert await verify(OfficeHours()) == []


def test_rollup_segments_read_whole_months_from_month_rollups() -> None:
    assert segments(date(2026, 1, 15), date(2026, 4, 10), whole_months=True) == [
        (Span.MONTH, "2026-02", "2026-03"),
        (Span.DAY, "2026-01-15", "2026-01-31"),
        (Span.DAY, "2026-04-01", "2026-04-10"),
    ]
    assert segments(date(2026, 1, 1), date(2026, 12, 31), whole_months=True) == [
        (Span.MONTH, "2026-01", "2026-12")
    ]
    assert segments(date(2026, 3, 2), date(2026, 3, 30), whole_months=True) == [
        (Span.DAY, "2026-03-02", "2026-03-30")
    ]
