"""Per-procedure time rules through the API: a procedure's own cut-off, and procedures
counted in working hours (docs/workflow.md, "Time rules")."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.dossier import load_dossier
from documents.statistics.facts import DossierFact
from documents.statistics.rebuild import verify
from tests.catalogue import PROCEDURE
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    HAND_OVER,
    RECORD_RESULT,
    act,
    local,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

UPDATE = """
mutation($code: String!, $input: ProcedureUpdateInput!) {
  updateProcedure(code: $code, input: $input) {
    procedure {
      processingDays processingHours steps { key workingDays workingHours }
      timeRules { cutoff opens closes lunchStart lunchEnd }
    }
    errors { field message code }
  }
}
"""

BY_THE_HOUR = {
    "processingDays": 0,
    "processingHours": 4,
    "steps": [
        {
            "key": "reception",
            "name": "Tiếp nhận",
            "role": "RECEPTION",
            "workingDays": 0,
            "workingHours": 1,
        },
        {
            "key": "review",
            "name": "Thẩm định",
            "role": "SPECIALIST",
            "workingDays": 0,
            "workingHours": 2,
        },
        {
            "key": "approve",
            "name": "Phê duyệt",
            "role": "LEADER",
            "workingDays": 0,
            "workingHours": 1,
        },
    ],
}


async def _update(gql: GraphQLClient, changes: dict[str, Any]) -> dict[str, Any]:
    data = await gql.as_role("system_admin").data(UPDATE, {"code": PROCEDURE, "input": changes})
    payload: dict[str, Any] = data["updateProcedure"]
    return payload


def utc(text: str) -> str:
    return local(text).astimezone(UTC).isoformat()


async def test_an_hour_counted_procedure_is_due_within_its_hours_from_the_morning_or_next_day(
    gql: GraphQLClient,
) -> None:
    payload = await _update(gql, BY_THE_HOUR)
    assert payload["errors"] == []
    assert payload["procedure"]["processingHours"] == 4
    assert [s["workingHours"] for s in payload["procedure"]["steps"]] == [1, 2, 1]

    # Tuesday 09:00: four office hours, the lunch hour skipped, end at 14:00 the same day.
    morning = await submit_at(gql, "2026-03-03 09:00")
    assert morning["dueAt"] == morning["appointmentAt"] == utc("2026-03-03 14:00")
    first_step = (await load_dossier(morning["code"])).steps[0]
    assert first_step.due_at.isoformat() == utc("2026-03-03 10:00")

    # Tuesday 15:30 is after the city's 15:00 cut-off: from Wednesday 08:00, due at noon.
    afternoon = await submit_at(gql, "2026-03-03 15:30")
    assert afternoon["dueAt"] == utc("2026-03-04 12:00")


async def test_an_hour_counted_dossier_finished_past_its_hour_is_late(gql: GraphQLClient) -> None:
    assert (await _update(gql, BY_THE_HOUR))["errors"] == []
    results = []
    for finished in ("2026-03-03 13:30", "2026-03-03 16:00"):  # due at 14:00
        code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
        await act(gql, "2026-03-03 09:10", ACCEPT, code=code)
        await act(gql, "2026-03-03 09:20", HAND_OVER, code=code, toStep="review")
        done = await act(gql, finished, RECORD_RESULT, code=code, decision="APPROVE", note=None)
        results.append(done["dossier"]["timeliness"])
    assert results == ["ON_TIME", "LATE"]


async def test_a_procedures_cutoff_overrides_the_city_default(gql: GraphQLClient) -> None:
    # Without rules, the deployment's 15:00: Tuesday 16:00 counts three days from Wednesday.
    city = await submit_at(gql, "2026-03-03 16:00")
    assert city["dueAt"] == utc("2026-03-09 17:00")

    payload = await _update(gql, {"timeRules": {"cutoff": "16:30"}})
    assert payload["errors"] == []
    assert payload["procedure"]["timeRules"] == {
        "cutoff": "16:30:00",
        "opens": None,
        "closes": None,
        "lunchStart": None,
        "lunchEnd": None,
    }
    own = await submit_at(gql, "2026-03-03 16:00")
    assert own["dueAt"] == utc("2026-03-06 17:00")

    # The statistics count from the procedure's clock start too, live and rebuilt alike.
    code = own["code"]
    await act(gql, "2026-03-04 09:00", ACCEPT, code=code)
    await act(gql, "2026-03-04 09:10", HAND_OVER, code=code, toStep="review")
    await act(gql, "2026-03-05 09:00", RECORD_RESULT, code=code, decision="APPROVE", note=None)
    fact = await DossierFact.find_one(DossierFact.dossier_code == code)
    assert fact is not None
    assert fact.contributions["2026-03-05"]["legal_days"] == 3
    assert fact.contributions["2026-03-05"]["processing_days"] == 2
    assert await verify(OfficeHours()) == []

    back = await _update(gql, {"timeRules": None})
    assert (back["errors"], back["procedure"]["timeRules"]) == ([], None)
    assert (await submit_at(gql, "2026-03-03 16:00"))["dueAt"] == utc("2026-03-09 17:00")


async def test_a_procedures_office_day_sets_the_appointment_time(gql: GraphQLClient) -> None:
    rules = {"opens": "07:30", "closes": "11:30"}
    assert (await _update(gql, {"timeRules": rules}))["errors"] == []
    # A morning-only office: Tuesday 10:00 plus three days, at its 11:30 closing.
    assert (await submit_at(gql, "2026-03-03 10:00"))["dueAt"] == utc("2026-03-06 11:30")


@pytest.mark.parametrize(
    "changes",
    [
        {"processingHours": 4},  # the steps still count in days (3)
        {**BY_THE_HOUR, "processingDays": 3},  # days and hours at once
        {**BY_THE_HOUR, "processingHours": 5},  # the steps' hours add up to 4
        {"timeRules": {"opens": "08:00"}},  # half an office day
        {"timeRules": {"opens": "17:00", "closes": "08:00"}},
    ],
)
async def test_inconsistent_time_rules_are_refused_and_change_nothing(
    gql: GraphQLClient, changes: dict[str, Any]
) -> None:
    payload = await _update(gql, changes)
    assert payload["procedure"] is None
    assert payload["errors"][0]["code"] == "VALIDATION_FAILED"
    unchanged = await _update(gql, {})
    assert unchanged["procedure"]["processingDays"] == 3
    assert unchanged["procedure"]["processingHours"] is None
    assert unchanged["procedure"]["timeRules"] is None
