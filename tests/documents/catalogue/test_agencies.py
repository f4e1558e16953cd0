"""The 2025 agency tree: levels, service points, unit codes, validity, former districts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import (
    Agency,
    AgencyLevel,
    agencies_valid,
    root_agencies,
    validity_filter,
)
from documents.catalogue.tree_rules import check_new_agency, check_tree
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.workflow.submitting import Submission, submit
from tests.catalogue import CITY, OTHER_WARD, PROCEDURE, VALID_DATA, WARD

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

CENTRE = "000.00.30.H26"
BRANCH = "000.01.30.H26"
DEPARTMENT = "000.00.15.H26"
NEW = date(2025, 7, 1)
ENDED = date(2025, 6, 30)


async def _tree() -> None:
    """A centre and a branch over the tiny catalogue's city and ward (given a unit code)."""
    ward = await Agency.find_one(Agency.code == WARD)
    assert ward is not None
    ward.unit_code = "00070"
    await ward.save()
    await Agency.insert_many(
        [
            Agency(code=CENTRE, name="Trung tâm", level=AgencyLevel.CENTRE, parent_code=CITY),
            Agency(
                code=BRANCH, name="Chi nhánh số 1", level=AgencyLevel.BRANCH, parent_code=CENTRE
            ),
            Agency(
                code=DEPARTMENT, name="Sở Tư pháp", level=AgencyLevel.DEPARTMENT, parent_code=CITY
            ),
        ]
    )


def _point(parent: str, serves: str | None) -> Agency:
    return Agency(
        code="061.01.30.H26",
        name="Điểm phục vụ",
        level=AgencyLevel.SERVICE_POINT,
        parent_code=parent,
        serves_code=serves,
    )


async def _refused(agency: Agency) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await check_new_agency(agency, prefix="newTarget.")
    return caught.value


async def test_a_service_point_belongs_to_a_branch_and_serves_a_commune_or_ward() -> None:
    await _tree()
    await check_new_agency(_point(BRANCH, WARD))

    under_centre = await _refused(_point(CENTRE, WARD))
    assert (under_centre.code, under_centre.field) == (
        ErrorCode.VALIDATION_FAILED,
        "newTarget.parentCode",
    )
    serving_a_department = await _refused(_point(BRANCH, DEPARTMENT))
    assert (serving_a_department.code, serving_a_department.field) == (
        ErrorCode.VALIDATION_FAILED,
        "newTarget.servesCode",
    )
    serving_nobody = await _refused(_point(BRANCH, None))
    assert serving_nobody.field == "newTarget.servesCode"
    serving_a_missing_unit = await _refused(_point(BRANCH, "000.77.77.H26"))
    assert (serving_a_missing_unit.code, serving_a_missing_unit.field) == (
        ErrorCode.NOT_FOUND,
        "newTarget.servesCode",
    )
    a_branch_serving = Agency(
        code="000.09.30.H26",
        name="X",
        level=AgencyLevel.BRANCH,
        parent_code=CENTRE,
        serves_code=WARD,
    )
    assert (await _refused(a_branch_serving)).field == "newTarget.servesCode"


async def test_a_unit_code_is_unique_among_agencies_valid_at_the_same_time() -> None:
    await _tree()  # the ward, open-ended, has 00070

    def ward(code: str, unit: str, **validity: date) -> Agency:
        return Agency(
            code=code,
            name="Phường",
            level=AgencyLevel.WARD,
            parent_code=CITY,
            unit_code=unit,
            **validity,
        )

    duplicate = await _refused(ward("000.00.61.H26", "00070"))
    assert (duplicate.code, duplicate.field) == (ErrorCode.ALREADY_EXISTS, "newTarget.unitCode")
    await check_new_agency(ward("000.00.61.H26", "00071"))

    # An old ward that ended before a new one began may have had the same code.
    old = ward("000.01.41.H26", "00037", valid_to=ENDED)
    await old.insert()
    await check_new_agency(ward("000.00.62.H26", "00037", valid_from=NEW))
    overlapping = await _refused(ward("000.00.62.H26", "00037", valid_from=ENDED))
    assert overlapping.code is ErrorCode.ALREADY_EXISTS

    not_five_digits = await _refused(ward("000.00.63.H26", "7"))
    assert not_five_digits.field == "newTarget.unitCode"
    on_a_branch = Agency(
        code="000.09.30.H26",
        name="X",
        level=AgencyLevel.BRANCH,
        parent_code=CENTRE,
        unit_code="00099",
    )
    assert (await _refused(on_a_branch)).field == "newTarget.unitCode"


async def test_a_district_exists_only_as_history() -> None:
    await _tree()
    current = Agency(
        code="000.00.41.H26", name="Quận", level=AgencyLevel.FORMER_DISTRICT, parent_code=CITY
    )
    refused = await _refused(current)
    assert (refused.code, refused.field) == (ErrorCode.VALIDATION_FAILED, "newTarget.level")
    after_the_reform = current.model_copy(update={"valid_to": NEW})
    assert (await _refused(after_the_reform)).field == "newTarget.level"
    await check_new_agency(current.model_copy(update={"valid_to": ENDED}))
    with pytest.raises(ValueError, match="DISTRICT"):
        AgencyLevel("DISTRICT")


async def test_check_tree_checks_each_agency_against_the_set() -> None:
    city = Agency(code=CITY, name="UBND", level=AgencyLevel.CITY)
    ward = Agency(
        code=WARD, name="Phường", level=AgencyLevel.WARD, parent_code=CITY, unit_code="00070"
    )
    branch = Agency(code=BRANCH, name="Chi nhánh", level=AgencyLevel.BRANCH, parent_code=CITY)
    check_tree([city, ward, branch, _point(BRANCH, WARD)])
    with pytest.raises(DomainError, match="serves a commune, ward or special zone"):
        check_tree([city, ward, branch, _point(BRANCH, CITY)])
    twin = ward.model_copy(update={"code": "000.00.61.H26"})
    with pytest.raises(DomainError, match="administrative-unit code"):
        check_tree([city, ward, twin])


async def test_an_old_district_document_is_read_as_a_former_district() -> None:
    """A database written before 1 July 2025 stays readable: a stored "DISTRICT" is a
    former district that ended on 30 June 2025 (or earlier, if it says so)."""
    raw = Agency.get_pymongo_collection()
    await raw.insert_many(
        [
            {
                "code": "000.00.41.H26",
                "name": "Quận Hoàn Kiếm",
                "level": "DISTRICT",
                "parent_code": CITY,
            },
            {
                "code": "000.00.42.H26",
                "name": "Quận Tây Hồ (cũ)",
                "level": "DISTRICT",
                "parent_code": CITY,
                "valid_to": datetime(2020, 1, 1),
            },
        ]
    )
    old = await Agency.find_one(Agency.code == "000.00.41.H26")
    assert old is not None
    assert (old.level, old.valid_to) == (AgencyLevel.FORMER_DISTRICT, ENDED)
    older = await Agency.find_one(Agency.code == "000.00.42.H26")
    assert older is not None
    assert older.valid_to == date(2020, 1, 1)

    in_2024 = [a.code for a in await agencies_valid(date(2024, 6, 1), extra={"parent_code": CITY})]
    # The tiny catalogue's wards are open-ended, so valid in 2024 too.
    assert in_2024 == ["000.00.41.H26", OTHER_WARD, WARD]
    today = [a.code for a in await agencies_valid(date(2026, 1, 1), extra={"parent_code": CITY})]
    assert "000.00.41.H26" not in today
    assert WARD in today


async def test_validity_is_inclusive_and_a_period_overlaps() -> None:
    await Agency.insert_many(
        [
            Agency(
                code="000.00.41.H26",
                name="Cũ",
                level=AgencyLevel.WARD,
                parent_code=CITY,
                valid_to=ENDED,
            ),
            Agency(
                code="000.00.61.H26",
                name="Mới",
                level=AgencyLevel.WARD,
                parent_code=CITY,
                valid_from=NEW,
            ),
        ]
    )

    async def codes(first: date, last: date | None = None) -> set[str]:
        found = await agencies_valid(
            first, last, extra={"code": {"$in": ["000.00.41.H26", "000.00.61.H26"]}}
        )
        assert all(a.overlaps(first, last or first) for a in found)
        return {a.code for a in found}

    assert await codes(ENDED) == {"000.00.41.H26"}
    assert await codes(NEW) == {"000.00.61.H26"}
    assert await codes(date(2025, 1, 1), date(2025, 12, 31)) == {"000.00.41.H26", "000.00.61.H26"}
    assert validity_filter(NEW) == validity_filter(NEW, NEW)
    assert [a.code for a in await root_agencies(date(1990, 1, 1))] == [CITY]


async def test_an_agency_whose_validity_ended_receives_no_submission() -> None:
    await Agency(
        code="000.00.41.H26",
        name="Quận",
        level=AgencyLevel.FORMER_DISTRICT,
        parent_code=CITY,
        valid_to=ENDED,
    ).insert()
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="A")
    late = Submission(PROCEDURE, "000.00.41.H26", Channel.COUNTER, applicant, VALID_DATA)

    with pytest.raises(DomainError) as caught:
        await submit(late, hours=OfficeHours())
    assert (caught.value.code, caught.value.field) == (ErrorCode.NOT_FOUND, "receivingAgencyCode")

    # Back-dated to a day it existed (an import of old dossiers), it still receives.
    dossier = await submit(
        late, received_at=datetime(2025, 6, 2, 3, tzinfo=UTC), hours=OfficeHours()
    )
    assert dossier.receiving_agency_code == "000.00.41.H26"
