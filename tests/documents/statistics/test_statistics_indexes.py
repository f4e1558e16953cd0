"""Every statistics query shape is served by an index, however long the history."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from documents.statistics.deadline_sweep import passed_uncounted
from documents.statistics.facts import OpenClock
from documents.statistics.indicators import Scope, match_stages
from documents.statistics.tables import StatsDay, StatsMonth

SCOPE_NAMES = ["city", "agency", "subtree", "procedure", "agency+procedure", "subtree+procedure"]
SCOPES = [
    Scope(),
    Scope(frozenset({"000.22.99.H26"})),
    Scope(frozenset({"000.22.99.H26", "000.22.98.H26"})),
    Scope(procedure_code="1.000001"),
    Scope(frozenset({"000.22.99.H26"}), "1.000001"),
    Scope(frozenset({"000.22.99.H26", "000.22.98.H26"}), "1.000001"),
]
KEYS = ["day", "month", "agency_code", "procedure_code"]


def _scan(plan: object) -> set[str]:
    text = json.dumps(plan, default=str)
    return {stage for stage in ("COLLSCAN", "IXSCAN") if stage in text}


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("model", [StatsDay, StatsMonth], ids=["days", "months"])
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("scope", SCOPES, ids=SCOPE_NAMES)
async def test_statistics_rows_are_read_through_an_index(
    model: type[StatsDay], key: str, scope: Scope
) -> None:
    low, high = ("2026-01", "2026-12") if model is StatsMonth else ("2026-01-01", "2026-12-31")
    leading = match_stages(scope, key, low, high)[0]["$match"]
    plan = (await model.get_pymongo_collection().find(leading).explain())["queryPlanner"]
    assert _scan(plan["winningPlan"]) == {"IXSCAN"}, (leading, plan["winningPlan"])


@pytest.mark.usefixtures("http")
async def test_passed_uncounted_clocks_are_read_through_an_index() -> None:
    query = passed_uncounted(datetime(2026, 3, 1, tzinfo=UTC))
    plan = (await OpenClock.get_pymongo_collection().find(query).explain())["queryPlanner"]
    assert _scan(plan["winningPlan"]) == {"IXSCAN"}, plan["winningPlan"]
