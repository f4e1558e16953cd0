"""The Decree 63/2024 groups of the demo (docs/groups.md, "The demo groups"): the
catalogue hangs together, a birth group submitted once ends with three results, the
waiting members start only after the certificate and carry its number, each agency's
officer sees only its own member's data, and death groups of 2 and 4 members work."""

from __future__ import annotations

import random
from itertools import combinations
from typing import Any

import httpx
import pytest

from api.settings import Settings
from demo.agencies import AGENCY_ROWS, CENTRE, RESIDENCE_POLICE, SOCIAL_INSURANCE
from demo.catalogue import FORMS_BY_KEY, PROCEDURE_ROWS
from demo.group_history import seed_groups
from demo.group_procedures import (
    BIRTH_REGISTRATION,
    CHILD_HEALTH_INSURANCE,
    DEATH_REGISTRATION,
    FUNERAL_ALLOWANCE,
    RESIDENCE_REGISTRATION,
    RESIDENCE_REMOVAL,
    SURVIVOR_BENEFIT,
)
from demo.group_samples import GROUP_DATA, birth_group_data
from demo.groups import BIRTH_GROUP, DEATH_GROUP, GROUP_ROWS
from demo.seeding import seed_catalogue
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.validation import validate_data
from documents.catalogue.procedures import AuthorityRule, Procedure
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.statuses import DossierStatus
from documents.groups.checking import check_definition
from documents.groups.definition import GroupMember, ProcedureGroup
from documents.groups.mapping import derive_member_data
from documents.workflow import acting
from tests.catalogue import APPLICANT, APPLICANT_ID
from tests.conftest import GraphQLClient

WITH_RESULT = {DossierStatus.RESULT_READY, DossierStatus.RETURNED}
FED = {BIRTH_GROUP: "/birthCertificateNumber", DEATH_GROUP: "/deathCertificateNumber"}
ROWS = {row["code"]: row for row in GROUP_ROWS}

SUBMIT = """
mutation($input: SubmitDossierGroupInput!) { submitDossierGroup(input: $input) {
  group { code members { procedureCode dossierCode agencyCode status } }
  errors { field message code } } }
"""
GROUP = """
query($code: String!) { dossierGroup(code: $code) {
  code status members { procedureCode dossierCode agencyCode status dossier { data } } } }
"""
DOSSIER = "query($code: String!) { dossier(code: $code) { code data } }"
RECORD = """
mutation($code: String!, $data: JSON) { recordResult(code: $code, decision: APPROVE,
  resultData: $data) { dossier { code status } errors { field message code } } }
"""


# ---- the catalogue ----


def test_every_allowed_combination_derives_valid_member_data_from_one_form() -> None:
    """Each fact is entered once: the combined sample, mapped, passes each member's own
    form (leaving out only the certificate number a result fills in)."""
    forms = {row["code"]: FORMS_BY_KEY[row["form_key"]].json_schema for row in PROCEDURE_ROWS}
    for code, row in ROWS.items():
        assert validate_data(row["combined_form"], GROUP_DATA[code](random.Random(3))) == []
        for seed in range(20):
            data = GROUP_DATA[code](random.Random(seed))
            for member in row["members"]:
                derived = derive_member_data(GroupMember.model_validate(member), data)
                violations = validate_data(forms[member["procedure_code"]], derived)
                assert violations == [], (code, member["procedure_code"], violations)
                assert len(derived) >= 5, member["procedure_code"]


def test_the_groups_allow_the_combinations_of_the_decree() -> None:
    birth, death = ROWS[BIRTH_GROUP], ROWS[DEATH_GROUP]
    assert sorted(map(sorted, birth["combinations"])) == sorted(
        [
            sorted([BIRTH_REGISTRATION, RESIDENCE_REGISTRATION]),
            sorted([BIRTH_REGISTRATION, CHILD_HEALTH_INSURANCE]),
            sorted([BIRTH_REGISTRATION, RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE]),
        ]
    )
    others = [RESIDENCE_REMOVAL, FUNERAL_ALLOWANCE, SURVIVOR_BENEFIT]
    expected = [
        sorted([DEATH_REGISTRATION, *c]) for n in (1, 2, 3) for c in combinations(others, n)
    ]
    assert sorted(map(sorted, death["combinations"])) == sorted(expected)
    assert (birth["processing_days"], birth["verification_days"]) == (3, 5)
    for code, row in ROWS.items():
        required = [m["procedure_code"] for m in row["members"] if m.get("required")]
        assert required == [BIRTH_REGISTRATION if code == BIRTH_GROUP else DEATH_REGISTRATION]
        waiting = {f["to_procedure"] for f in row["feeds"]}
        assert waiting == {m["procedure_code"] for m in row["members"]} - set(required)
        assert all(f["fields"] == {FED[code]: "/certificateNumber"} for f in row["feeds"])


async def test_seeded_groups_pass_validation_with_forms_and_agencies(
    http: httpx.AsyncClient,
) -> None:
    await seed_catalogue()
    groups = {g.code: g for g in await ProcedureGroup.find_all().to_list()}
    assert sorted(groups) == sorted(ROWS)
    active = {p.code: p for p in await Procedure.find(Procedure.active == True).to_list()}  # noqa: E712
    tree = {row["code"] for row in AGENCY_ROWS}
    for group in groups.values():
        check_definition(group, set(active))  # raises on the first broken rule
        for member in group.members:
            procedure = active[member.procedure_code]
            published = await FormSchema.find(
                FormSchema.key == procedure.form_key, FormSchema.status == "PUBLISHED"
            ).count()
            assert published == 1, procedure.code
            authority = procedure.competent_authority
            if authority.rule is AuthorityRule.FIXED:
                assert authority.agency_code in tree, procedure.code
            else:
                assert authority.field == "residence.unitCode", procedure.code
                assert procedure.agency_codes, procedure.code
            assert set(procedure.agency_codes) <= tree, procedure.code


# ---- the scenario, through the API ----


async def _play_to_approval(code: str, hours: OfficeHours) -> None:
    """Reception accepts it and it goes through its steps up to the leader's approval."""
    dossier = await acting.accept(code, Actor(user="tiepnhan.hoa"), hours=hours)
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    assert procedure is not None
    for step in procedure.steps[1:-2]:
        await acting.hand_over(code, step.key, Actor(), to_user="chuyenvien.nam", hours=hours)
    await acting.hand_over(code, "approval", Actor(), to_user="lanhdao.ha", hours=hours)


async def _submit(gql: GraphQLClient, group: str, chosen: list[str], data: Any) -> dict[str, Any]:
    applicant = gql.as_role("applicant", id_number=APPLICANT_ID)
    payload = (
        await applicant.data(
            SUBMIT,
            {
                "input": {
                    "groupCode": group,
                    "procedureCodes": chosen,
                    "receivingAgencyCode": CENTRE,
                    "channel": "ONLINE",
                    "applicant": APPLICANT,
                    "data": data,
                }
            },
        )
    )["submitDossierGroup"]
    assert payload["errors"] == [], payload["errors"]
    submitted: dict[str, Any] = payload["group"]
    return submitted


async def test_a_birth_group_submitted_once_ends_with_three_results(
    http: httpx.AsyncClient, gql: GraphQLClient, settings: Settings
) -> None:
    hours = settings.office_hours
    await seed_catalogue()
    data = birth_group_data(random.Random(11))
    chosen = [BIRTH_REGISTRATION, RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE]
    group = await _submit(gql, BIRTH_GROUP, chosen, data)
    members = {m["procedureCode"]: m for m in group["members"]}
    assert set(members) == set(chosen)
    birth = members[BIRTH_REGISTRATION]
    ward = birth["agencyCode"]
    assert members[RESIDENCE_REGISTRATION]["agencyCode"] == RESIDENCE_POLICE
    assert members[CHILD_HEALTH_INSURANCE]["agencyCode"] == SOCIAL_INSURANCE
    waiting = [members[RESIDENCE_REGISTRATION], members[CHILD_HEALTH_INSURANCE]]
    assert [m["status"] for m in waiting] == ["WAITING_FOR_INPUT"] * 2

    # Nothing starts the waiting members but the birth certificate: not acceptance,
    # not the steps before the decision.
    await _play_to_approval(birth["dossierCode"], hours)
    for member in waiting:
        still = await load_dossier(member["dossierCode"])
        assert still.status is DossierStatus.WAITING_FOR_INPUT
        assert "birthCertificateNumber" not in still.data

    leader = gql.as_role("officer:leader", agency=ward)
    recorded = (
        await leader.data(
            RECORD, {"code": birth["dossierCode"], "data": {"certificateNumber": "42/2026"}}
        )
    )["recordResult"]
    assert recorded["errors"] == [], recorded["errors"]
    approved = await DossierEvent.find_one(
        DossierEvent.dossier_code == birth["dossierCode"], DossierEvent.type == EventType.APPROVED
    )
    assert approved is not None
    for member in waiting:
        released = await load_dossier(member["dossierCode"])
        assert released.status is DossierStatus.RECEIVED
        assert released.data["birthCertificateNumber"] == "42/2026"
        assert released.data["residenceAddress"] == data["residence"]["address"]
        received = await DossierEvent.find_one(
            DossierEvent.dossier_code == released.code,
            DossierEvent.type == EventType.INPUT_RECEIVED,
        )
        assert received is not None
        assert received.at >= approved.at

    # Each agency plays its own member to its result.
    for member in waiting:
        await _play_to_approval(member["dossierCode"], hours)
        officer = gql.as_role("officer:leader", agency=member["agencyCode"])
        done = await officer.data(RECORD, {"code": member["dossierCode"], "data": None})
        assert done["recordResult"]["errors"] == [], done
    owner = gql.as_role("applicant", id_number=APPLICANT_ID)
    shown = (await owner.data(GROUP, {"code": group["code"]}))["dossierGroup"]
    assert [m["status"] for m in shown["members"]] == ["RESULT_READY"] * 3
    assert all(m["dossier"] is not None for m in shown["members"])  # the applicant sees all
    assert shown["status"] == "DONE"


async def test_each_agency_officer_sees_only_their_own_member(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await seed_catalogue()
    chosen = [BIRTH_REGISTRATION, RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE]
    group = await _submit(gql, BIRTH_GROUP, chosen, birth_group_data(random.Random(5)))
    by_agency = {m["agencyCode"]: m["procedureCode"] for m in group["members"]}
    assert len(by_agency) == 3, "three agencies: the ward, the police, social insurance"
    for agency, own in by_agency.items():
        officer = gql.as_role("officer:specialist", agency=agency)
        shown = (await officer.data(GROUP, {"code": group["code"]}))["dossierGroup"]
        assert shown is not None, agency
        seen = {m["procedureCode"]: m for m in shown["members"]}
        assert set(seen) == set(chosen)  # the summary: codes and statuses of all
        assert all(m["status"] for m in seen.values())
        assert [c for c, m in seen.items() if m["dossier"] is not None] == [own], agency
        for member in group["members"]:
            found = await officer.execute(DOSSIER, {"code": member["dossierCode"]})
            visible = (found.get("data") or {}).get("dossier") is not None
            assert visible == (member["procedureCode"] == own), (agency, member)


# ---- the seeded demo ----


@pytest.fixture
async def seeded(http: httpx.AsyncClient, settings: Settings) -> list[Any]:
    await seed_catalogue()
    return await seed_groups(settings.office_hours)


async def _members(record: Any) -> dict[str, Dossier]:
    return {m.procedure_code: await load_dossier(m.dossier_code) for m in record.members}


async def test_the_seeded_birth_group_of_three_ends_with_three_results(seeded: list[Any]) -> None:
    full = seeded[0]
    assert full.group_code == BIRTH_GROUP
    dossiers = await _members(full)
    assert len(dossiers) == 3
    assert {d.status for d in dossiers.values()} <= WITH_RESULT
    number = dossiers[BIRTH_REGISTRATION].result_data["certificateNumber"]
    for code in (RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE):
        assert dossiers[code].data["birthCertificateNumber"] == number
        assert dossiers[code].steps[0].received_at >= dossiers[BIRTH_REGISTRATION].received_at


@pytest.mark.parametrize(("index", "size"), [(2, 2), (3, 4)])
async def test_seeded_death_groups_of_two_and_four_members_work(
    seeded: list[Any], index: int, size: int
) -> None:
    record = seeded[index]
    assert record.group_code == DEATH_GROUP
    dossiers = await _members(record)
    assert len(dossiers) == size
    assert {d.status for d in dossiers.values()} <= WITH_RESULT
    number = dossiers[DEATH_REGISTRATION].result_data["certificateNumber"]
    for code, dossier in dossiers.items():
        assert dossier.group_code == record.code
        if code != DEATH_REGISTRATION:
            assert dossier.data["deathCertificateNumber"] == number
            # Derived from the one combined form: the deceased's name, entered once.
            assert record.data["deceased"]["fullName"] in dossier.data.values(), code


async def test_the_seeded_recent_group_still_waits_for_its_certificate(
    seeded: list[Any],
) -> None:
    dossiers = await _members(seeded[4])
    assert dossiers[BIRTH_REGISTRATION].status not in WITH_RESULT
    waiting = dossiers[RESIDENCE_REGISTRATION]
    assert waiting.status is DossierStatus.WAITING_FOR_INPUT
    assert "birthCertificateNumber" not in waiting.data
