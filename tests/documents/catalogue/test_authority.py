"""Each competent-authority rule, against stored agencies (documents/catalogue/authority.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from documents.catalogue.agencies import Agency
from documents.catalogue.authority import competent_agency, form_value
from documents.catalogue.procedures import Procedure
from documents.common.errors import DomainError, ErrorCode
from tests.routing import (
    BIRTH,
    BRANCH,
    CERTIFIED_COPY,
    DEPARTMENT,
    DEPARTMENT_PERMIT,
    GONE_DEPARTMENT_PERMIT,
    LAND,
    LISTED_ONLY,
    POINT_A,
    STRAY_POINT,
    UNIT_A,
    UNIT_ABOLISHED,
    UNIT_B,
    UNIT_MERGED,
    UNIT_UNKNOWN,
    WARD_A,
    WARD_B,
    load_routing_catalogue,
)

DAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
async def catalogue(http: httpx.AsyncClient) -> None:
    await load_routing_catalogue()


async def route(procedure: str, receiving: str, data: Any, day: date = DAY) -> str:
    found = await Procedure.find_one(Procedure.code == procedure)
    desk = await Agency.find_one(Agency.code == receiving)
    assert found is not None
    assert desk is not None
    return (await competent_agency(found, desk, data, day)).code


async def refused(procedure: str, receiving: str, data: Any, day: date = DAY) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await route(procedure, receiving, data, day)
    assert caught.value.code is ErrorCode.NO_COMPETENT_AGENCY
    return caught.value


def test_form_value_follows_a_dotted_path_and_gives_none_for_what_is_missing() -> None:
    data = {"residence": {"unitCode": "00004", "street": ["a"]}, "flat": "x"}
    assert form_value(data, "residence.unitCode") == "00004"
    assert form_value(data, "flat") == "x"
    assert form_value(data, "residence.missing") is None
    assert form_value(data, "flat.unitCode") is None  # a string is not an object
    assert form_value(data, "residence.street.0") is None  # nor is a list
    assert form_value(["not", "an", "object"], "residence") is None


async def test_receiving_agency_rule_at_a_service_point_is_the_ward_it_serves() -> None:
    assert await route(CERTIFIED_COPY, POINT_A, {}) == WARD_A


async def test_receiving_agency_rule_at_an_authority_is_that_authority() -> None:
    assert await route(CERTIFIED_COPY, WARD_B, {}) == WARD_B


async def test_receiving_agency_rule_keeps_the_procedures_listed_agencies() -> None:
    # The behaviour before routing rules: an agency not listed hands it to the first listed.
    assert await route(LISTED_ONLY, POINT_A, {}) == DEPARTMENT
    assert await route(LISTED_ONLY, BRANCH, {}) == DEPARTMENT


async def test_receiving_agency_rule_at_a_desk_serving_nobody_is_refused() -> None:
    error = await refused(CERTIFIED_COPY, STRAY_POINT, {})
    assert error.field == "receivingAgencyCode"


async def test_applicant_residence_rule_reads_the_unit_code_wherever_it_is_received() -> None:
    for desk in (POINT_A, WARD_A, BRANCH):
        assert await route(BIRTH, desk, {"residence": {"unitCode": UNIT_B}}) == WARD_B
    assert await route(BIRTH, POINT_A, {"residence": {"unitCode": UNIT_A}}) == WARD_A


async def test_object_location_rule_reads_its_own_field() -> None:
    data = {"residence": {"unitCode": UNIT_B}, "land": {"unitCode": UNIT_A}}
    assert await route(LAND, POINT_A, data) == WARD_A


async def test_a_unit_code_of_a_merged_commune_leads_to_its_successor() -> None:
    assert await route(BIRTH, POINT_A, {"residence": {"unitCode": UNIT_MERGED}}) == WARD_B


@pytest.mark.parametrize(
    ("data", "day"),
    [
        ({}, DAY),  # no residence at all
        ({"residence": {}}, DAY),
        ({"residence": {"unitCode": ""}}, DAY),
        ({"residence": {"unitCode": UNIT_UNKNOWN}}, DAY),
        ({"residence": {"unitCode": UNIT_ABOLISHED}}, DAY),  # gone since 1 July 2025
        ({"residence": {"unitCode": UNIT_B}}, date(2025, 6, 30)),  # not founded yet
    ],
)
async def test_a_residence_that_names_no_agency_that_day_is_refused_naming_the_field(
    data: dict[str, Any], day: date
) -> None:
    error = await refused(BIRTH, POINT_A, data, day)
    assert error.field == "data.residence.unitCode"
    assert UNIT_UNKNOWN not in error.message
    assert UNIT_ABOLISHED not in error.message


async def test_a_ward_that_does_not_handle_the_procedure_is_refused() -> None:
    await Procedure.find_one(Procedure.code == BIRTH).update({"$set": {"agency_codes": [WARD_A]}})
    error = await refused(BIRTH, POINT_A, {"residence": {"unitCode": UNIT_B}})
    assert error.field == "data.residence.unitCode"


async def test_fixed_rule_names_its_agency_whoever_receives() -> None:
    assert await route(DEPARTMENT_PERMIT, POINT_A, {}) == DEPARTMENT
    assert await route(DEPARTMENT_PERMIT, WARD_B, {}) == DEPARTMENT


async def test_fixed_rule_naming_an_agency_gone_that_day_is_refused() -> None:
    error = await refused(GONE_DEPARTMENT_PERMIT, POINT_A, {})
    assert error.field == "procedureCode"
    # The same agency was valid before the reorganisation.
    assert await route(GONE_DEPARTMENT_PERMIT, DEPARTMENT, {}, date(2025, 6, 2)) == (
        "000.00.16.H26"
    )
