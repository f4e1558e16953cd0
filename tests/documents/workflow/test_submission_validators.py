"""A published form version's validator is built once, however many submissions use it."""

from __future__ import annotations

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.forms.validation import compilations, validate_data
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.workflow.submitting import Submission, submit
from tests.catalogue import PROCEDURE, VALID_DATA, WARD

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

APPLICANT = Applicant(kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="A")


async def test_second_submission_of_a_form_version_does_not_compile_its_validator_again() -> None:
    async def one() -> str:
        submission = Submission(PROCEDURE, WARD, Channel.ONLINE, APPLICANT, dict(VALID_DATA))
        return (await submit(submission, hours=OfficeHours())).code

    await one()
    before = compilations()
    second = await one()
    assert second.endswith("-0002")
    assert compilations() == before


def test_versions_with_the_same_key_keep_their_own_rules() -> None:
    loose = {"type": "object", "properties": {"n": {"type": "integer"}}}
    strict = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 5}}}
    assert validate_data(loose, {"n": 9}, ("form-id-1", 1)) == []
    assert [v.path for v in validate_data(strict, {"n": 9}, ("form-id-2", 2))] == ["/n"]
    assert validate_data(loose, {"n": 9}, ("form-id-1", 1)) == []
