"""A hand-over to an agency that has since been merged goes to the agency it became."""

from __future__ import annotations

from datetime import date

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.merges.merging import apply_merge, plan_merge
from documents.workflow import acting
from documents.workflow.submitting import Submission, submit
from tests.catalogue import OTHER_WARD, PROCEDURE, VALID_DATA, WARD

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


async def test_hand_over_to_a_merged_agency_reaches_its_successor() -> None:
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="A")
    dossier = await submit(
        Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA), hours=OfficeHours()
    )
    await acting.accept(dossier.code, Actor(), hours=OfficeHours())
    await apply_merge(await plan_merge([OTHER_WARD], WARD, date(2020, 1, 1)), hours=OfficeHours())

    moved = await acting.hand_over(
        dossier.code, "review", Actor(), to_agency=OTHER_WARD, hours=OfficeHours()
    )

    assert moved.steps[-1].agency_code == WARD
