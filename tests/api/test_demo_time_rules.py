"""The demo catalogue's time rules: certified copies are returned the same day (the next
working day after their 15:00 cut-off), and the judicial record keeps its own later
cut-off (docs/workflow.md, "Time rules")."""

from __future__ import annotations

import random
from datetime import UTC
from typing import Any

import httpx

from demo.catalogue import PROCEDURE_ROWS, WARDS_AND_COMMUNES
from demo.sample_data import sample_form_data
from demo.seeding import seed_catalogue
from tests.catalogue import APPLICANT
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import SUBMIT, act, local

WARD = WARDS_AND_COMMUNES[0]


async def _due(gql: GraphQLClient, procedure_code: str, at: str) -> str:
    row = next(row for row in PROCEDURE_ROWS if row["code"] == procedure_code)
    submission: dict[str, Any] = {
        "procedureCode": procedure_code,
        "receivingAgencyCode": WARD,
        "channel": "COUNTER",
        "applicant": APPLICANT,
        "data": sample_form_data(row["form_key"], random.Random(7)),
    }
    payload = await act(gql.as_role("officer:reception", WARD), at, SUBMIT, input=submission)
    assert payload["errors"] == [], payload["errors"]
    due: str = payload["dossier"]["appointmentAt"]
    return due


def utc(text: str) -> str:
    return local(text).astimezone(UTC).isoformat()


async def test_certified_copies_are_returned_the_same_day_or_after_the_cutoff_the_next(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await seed_catalogue()
    assert await _due(gql, "2.000815", "2026-03-03 14:30") == utc("2026-03-03 17:00")
    assert await _due(gql, "2.000815", "2026-03-03 15:10") == utc("2026-03-04 17:00")


async def test_the_judicial_record_counts_from_the_same_day_until_its_own_cutoff(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await seed_catalogue()
    # Tuesday 16:00: past the city's 15:00, before the procedure's 16:30; ten working days.
    assert await _due(gql, "2.000488", "2026-03-03 16:00") == utc("2026-03-17 17:00")
    assert await _due(gql, "2.000488", "2026-03-03 16:45") == utc("2026-03-18 17:00")
