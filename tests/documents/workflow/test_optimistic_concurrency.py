"""Two actions that read the same revision: exactly one is written, the other conflicts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.workflow.processing import Act, perform
from documents.workflow.submitting import Submission, submit
from documents.workflow.transitions import Action
from tests.catalogue import PROCEDURE, VALID_DATA, WARD

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


async def test_second_writer_of_the_same_revision_gets_conflict_and_loses_nothing() -> None:
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="A")
    dossier = await submit(
        Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA), hours=OfficeHours()
    )
    both_have_read = asyncio.Barrier(2)

    def assigning(user: str) -> Any:
        async def rule(act: Act) -> tuple[EventType, dict[str, Any]]:
            await both_have_read.wait()  # both decided on the same revision
            act.dossier.assignee = user
            return EventType.ASSIGNED, {"user": user}

        return rule

    results = await asyncio.gather(
        perform(dossier.code, Action.ASSIGN, assigning("a"), Actor(), hours=OfficeHours()),
        perform(dossier.code, Action.ASSIGN, assigning("b"), Actor(), hours=OfficeHours()),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Dossier)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == len(lost) == 1
    assert lost[0].code is ErrorCode.CONFLICT
    stored = await Dossier.find_one(Dossier.code == dossier.code)
    assert stored is not None
    assert stored.assignee == won[0].assignee
    events = await DossierEvent.find(DossierEvent.type == EventType.ASSIGNED).to_list()
    assert [e.payload["user"] for e in events] == [won[0].assignee]
