"""Every filter and ordering the API offers is served by an index."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from documents.dossiers.dossier import Dossier
from documents.dossiers.search import DossierFilter, DossierOrder, filter_query, sort_for
from documents.dossiers.statuses import DossierStatus

FILTERS = [
    DossierFilter(),
    DossierFilter(status=[DossierStatus.RECEIVED]),
    DossierFilter(procedure_code="1.001193"),
    DossierFilter(agency_code="000.22.99.H26"),
    DossierFilter(received_from=date(2026, 1, 1), received_to=date(2026, 1, 31)),
    DossierFilter(applicant_id="001090012345"),
]


def _stages(plan: Any) -> set[str]:
    found = set()
    text = json.dumps(plan, default=str)
    for stage in ("COLLSCAN", "IXSCAN"):
        if stage in text:
            found.add(stage)
    return found


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("spec", FILTERS, ids=lambda f: repr(f)[14:60])
@pytest.mark.parametrize("order", list(DossierOrder))
async def test_dossier_filter_uses_an_index(spec: DossierFilter, order: DossierOrder) -> None:
    cursor = Dossier.get_pymongo_collection().find(filter_query(spec), sort=sort_for(order))
    plan = (await cursor.explain())["queryPlanner"]["winningPlan"]
    assert _stages(plan) == {"IXSCAN"}, plan
