"""Group submissions by code: one lookup however many executions ask for a group event's
group (the hub's shared loaders, schema/dossiers/subscriptions.py)."""

from __future__ import annotations

import asyncio

import pytest

from api.settings import Settings
from documents.common.clock import utcnow
from documents.groups.records import DossierGroup, GroupMemberDossier
from loaders import Loaders

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


def group(code: str) -> DossierGroup:
    now = utcnow()
    member = GroupMemberDossier(procedure_code="P", dossier_code=f"{code}-1", agency_code="A")
    return DossierGroup(
        code=code,
        group_code="G",
        receiving_agency_code="A",
        applicant_id="applicant",
        members=[member],
        received_at=now,
        due_at=now,
    )


async def test_executions_sharing_loaders_share_one_group_lookup(settings: Settings) -> None:
    await DossierGroup.insert_many([group("G-1"), group("G-2")])
    shared = Loaders.shared()
    first, second, missing, other = await asyncio.gather(
        shared.group_by_code.load("G-1"),
        shared.group_by_code.load("G-1"),
        shared.group_by_code.load("G-9"),
        shared.group_by_code.load("G-2"),
    )
    assert first is not None
    assert first.code == "G-1"
    assert second is first  # one document read, handed to both
    assert missing is None
    assert other is not None
    assert other.code == "G-2"
