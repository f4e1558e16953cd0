"""The agency tree over GraphQL on the demo catalogue: today's two-level tree of Hà Nội,
the 2024 tree with its districts, service points and what they serve."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx
import pytest

from demo.catalogue import CENTRE, CITY, PROCEDURE_ROWS
from demo.seeding import seed_catalogue, seed_dossiers
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency
from documents.catalogue.consistency import update_procedure
from documents.common.clock import local_date, local_today
from documents.dossiers.dossier import Dossier
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import MERGE

FIELDS = "code name level validFrom validTo unitCode servesCode mergedIntoCode"
TREE = f"""
query($on: Date) {{ agencies(on: $on) {{ {FIELDS}
  children {{ {FIELDS}
    children {{ {FIELDS} serves {{ code level unitCode }}
      children {{ {FIELDS} serves {{ code level unitCode }} }}
    }}
  }}
}} }}
"""
LEVEL = """
query($parent: String!, $on: Date) { agencies(parentCode: $parent, on: $on) { code level } }
"""
UNIT_CODE = re.compile(r"^\d{5}$")
IN_2024 = "2024-06-01"


@pytest.fixture
async def demo(http: httpx.AsyncClient) -> None:
    await seed_catalogue()


def _walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for node in nodes:
        found.append(node)
        found.extend(_walk(node.get("children") or []))
    return found


async def _tree(gql: GraphQLClient, on: str | None = None) -> list[dict[str, Any]]:
    return _walk((await gql.data(TREE, {"on": on}))["agencies"])


@pytest.mark.usefixtures("demo")
async def test_todays_tree_has_branches_service_points_and_unit_codes_and_no_district(
    gql: GraphQLClient,
) -> None:
    tree = await _tree(gql)
    levels = Counter(a["level"] for a in tree)

    assert [a["code"] for a in tree if a["level"] == "CITY"] == [CITY]
    assert "FORMER_DISTRICT" not in levels
    assert levels["CENTRE"] == 1
    assert levels["BRANCH"] >= 3
    assert levels["SERVICE_POINT"] >= 5
    assert levels["DEPARTMENT"] >= 3
    assert all(a["validTo"] is None for a in tree)
    local = [a for a in tree if a["level"] in ("WARD", "COMMUNE")]
    assert {"WARD", "COMMUNE"} <= {a["level"] for a in local}
    assert all(UNIT_CODE.match(a["unitCode"] or "") for a in local), local
    assert len({a["unitCode"] for a in local}) == len(local)
    names = {a["name"] for a in local}
    assert {"Phường Hoàn Kiếm", "Phường Ba Đình", "Phường Cửa Nam", "Xã Sóc Sơn"} <= names

    branches = [a for a in tree if a["level"] == "BRANCH"]
    for branch in branches:
        assert branch["validFrom"] == "2025-07-01"
        for point in branch["children"]:
            assert point["level"] == "SERVICE_POINT"
            assert point["serves"]["level"] in ("WARD", "COMMUNE")
            assert point["serves"]["code"] == point["servesCode"]
            assert UNIT_CODE.match(point["serves"]["unitCode"])
    served = [p["servesCode"] for b in branches for p in b["children"]]
    assert sorted(served) == sorted(a["code"] for a in local)  # one point in each unit


@pytest.mark.usefixtures("demo")
async def test_the_2024_tree_shows_districts_and_the_wards_before_the_merger(
    gql: GraphQLClient,
) -> None:
    tree = await _tree(gql, IN_2024)
    levels = Counter(a["level"] for a in tree)

    assert levels["FORMER_DISTRICT"] >= 3
    assert levels["BRANCH"] == levels["SERVICE_POINT"] == 0
    districts = [a for a in tree if a["level"] == "FORMER_DISTRICT"]
    assert all(d["validTo"] == "2025-06-30" for d in districts)
    old_wards = [w for d in districts for w in d["children"]]
    assert len(old_wards) >= 6
    assert all(w["validTo"] == "2025-06-30" and w["mergedIntoCode"] for w in old_wards)
    today = {a["code"] for a in await _tree(gql)}
    assert not today & {a["code"] for a in old_wards + districts}
    assert {w["mergedIntoCode"] for w in old_wards} <= today

    # One level at a time, too, and a later `on` on a nested field wins.
    assert (await gql.data(LEVEL, {"parent": CENTRE, "on": IN_2024}))["agencies"] == []
    assert len((await gql.data(LEVEL, {"parent": CENTRE}))["agencies"]) >= 3
    nested = await gql.data(
        'query($on: Date) { agencies(on: $on) { children(on: "2026-01-01") { level } } }',
        {"on": IN_2024},
    )
    assert "FORMER_DISTRICT" not in {c["level"] for c in nested["agencies"][0]["children"]}


@pytest.mark.usefixtures("demo")
async def test_demo_procedures_name_agencies_of_today_and_pass_the_consistency_check() -> None:
    today = local_today()
    for row in PROCEDURE_ROWS:
        named = {*row["agency_codes"], *(s.agency_code for s in row["steps"] if s.agency_code)}
        found = await Agency.find({"code": {"$in": sorted(named)}}).to_list()
        assert len(found) == len(named), row["code"]
        assert all(a.valid_on(today) for a in found), row["code"]
        await update_procedure(row["code"], {})


@pytest.mark.usefixtures("demo")
async def test_demo_dossiers_are_received_where_an_agency_existed_that_day() -> None:
    await seed_dossiers(12, OfficeHours())
    dossiers = await Dossier.find_all().to_list()
    assert len(dossiers) == 12
    for dossier in dossiers:
        desk = await Agency.find_one(Agency.code == dossier.receiving_agency_code)
        assert desk is not None
        assert desk.valid_on(local_date(dossier.received_at))


@pytest.mark.usefixtures("demo")
async def test_a_merge_cannot_create_a_district_or_a_service_point_without_a_unit(
    gql: GraphQLClient,
) -> None:
    admin = gql.as_role("system_admin")
    for level, field in (
        ("FORMER_DISTRICT", "level"),
        ("SERVICE_POINT", "parentCode"),
    ):
        new = {"name": "Mới", "level": level, "parentCode": CITY}
        payload = (
            await admin.data(
                MERGE,
                {
                    "input": {
                        "sources": ["000.00.61.H26", "000.00.67.H26"],
                        "target": "000.00.69.H26",
                        "newTarget": new,
                        "effectiveDate": "2026-01-01",
                    },
                    "dryRun": True,
                },
            )
        )["mergeAgencies"]
        # The field is the new target's (its prefix is the merge's to name).
        assert [(e["code"], e["field"].rsplit(".", 1)[-1]) for e in payload["errors"]] == [
            ("VALIDATION_FAILED", field)
        ], level
    district = await gql.execute(
        MERGE,
        {
            "input": {
                "sources": ["000.00.61.H26"],
                "target": "000.00.69.H26",
                "newTarget": {"name": "Quận", "level": "DISTRICT", "parentCode": CITY},
                "effectiveDate": "2026-01-01",
            },
            "dryRun": True,
        },
    )
    # DISTRICT is no longer a level at all: the request is refused before it runs.
    assert district["data"] is None
    assert [e["extensions"]["at"] for e in district["errors"]] == ["$input.newTarget.level"]
