"""The demo catalogue declares realistic competent-authority rules, and the seeded
dossiers are routed by them: each lands at the agency its rule names (docs/routing.md)."""

from __future__ import annotations

import httpx

from api.settings import Settings
from demo.agencies import JUSTICE
from demo.catalogue import PROCEDURE_ROWS
from demo.seeding import seed_catalogue, seed_dossiers
from documents.catalogue.agencies import Agency, AgencyLevel
from documents.catalogue.authority import form_value
from documents.catalogue.procedures import AuthorityRule, CompetentAuthority, Procedure
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType


def test_each_demo_procedure_declares_how_its_authority_is_found() -> None:
    rules = {row["code"]: row["competent_authority"] for row in PROCEDURE_ROWS}
    assert all(isinstance(rule, CompetentAuthority) for rule in rules.values())
    by_code = {code: (r.rule, r.field or r.agency_code) for code, r in rules.items()}
    assert by_code["2.000815"] == (AuthorityRule.RECEIVING_AGENCY, None)  # certified copy
    assert by_code["1.001193"] == (AuthorityRule.APPLICANT_RESIDENCE, "residence.unitCode")
    assert by_code["1.012767"] == (AuthorityRule.OBJECT_LOCATION, "parcel.unitCode")  # land
    assert by_code["2.000488"] == (AuthorityRule.FIXED, JUSTICE)  # judicial record


async def test_seeded_dossiers_are_handled_where_their_rule_says(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    await seed_catalogue()
    await seed_dossiers(40, settings.office_hours)
    agencies = {a.code: a for a in await Agency.find_all().to_list()}
    by_unit = {a.unit_code: a.code for a in agencies.values() if a.unit_code and not a.valid_to}
    procedures = {p.code: p for p in await Procedure.find_all().to_list()}
    transfers = {
        e.dossier_code: e
        for e in await DossierEvent.find(DossierEvent.type == EventType.TRANSFERRED).to_list()
    }
    routed_by_form = 0
    for dossier in await Dossier.find_all().to_list():
        authority = procedures[dossier.procedure_code].competent_authority
        if authority.field is not None:
            unit = form_value(dossier.data, authority.field)
            assert dossier.handling_agency_code == by_unit[unit], dossier.code
            routed_by_form += 1
        elif authority.agency_code is not None:
            assert dossier.handling_agency_code == authority.agency_code
        moved = dossier.handling_agency_code != dossier.receiving_agency_code
        assert (dossier.code in transfers) == moved, dossier.code
        if moved:
            assert transfers[dossier.code].payload["to"] == dossier.handling_agency_code
        assert agencies[dossier.handling_agency_code].level is not AgencyLevel.SERVICE_POINT
    assert routed_by_form > 0
    assert transfers, "a seeded dossier received at another ward's point is transferred"
