"""The demo no longer asks citizens to show an identity paper where the population
database serves, and its generated (back-dated) dossiers record those lookups as found,
by the seeding, without a call (docs/population.md)."""

from __future__ import annotations

import httpx

from api.settings import Settings
from demo.catalogue import PROCEDURE_ROWS
from demo.seeding import seed_catalogue, seed_dossiers
from documents.catalogue.procedures import NationalDatabase, RequiredPaper
from documents.dossiers.dossier import ApplicantKind, Dossier
from documents.national.population import LookupResult
from simulators.population import load_table


def looked_up(row: dict[str, object]) -> set[str]:
    papers = row["required_papers"]
    assert isinstance(papers, list)
    return {
        paper.slot
        for paper in papers
        if isinstance(paper, RequiredPaper)
        and paper.satisfied_by_database is NationalDatabase.POPULATION
    }


def test_the_applicants_identity_papers_are_looked_up_not_asked_for() -> None:
    marked = {row["code"]: looked_up(row) for row in PROCEDURE_ROWS}
    assert marked["1.001193"] == {"identity"}  # birth registration: who registers
    assert marked["2.000488"] == {"identityCopy"}  # judicial record: who it is issued to
    assert marked["1.001612"] == {"ownerIdentity"}  # household business: its owner
    # Marriage: both parties show theirs; only the applicant could be looked up.
    assert marked["1.000894"] == set()


def test_the_simulators_table_holds_the_test_and_demo_applicant() -> None:
    table = load_table()
    assert table["001090012345"].full_name == "Nguyễn Văn An"
    assert {p.fault for p in table.values()} >= {None, "UNAVAILABLE", "SLOW"}


async def test_seeded_dossiers_record_their_lookups_as_found_by_the_seeding(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    await seed_catalogue()
    await seed_dossiers(12, settings.office_hours)
    dossiers = await Dossier.find_all().to_list()
    with_lookups = [d for d in dossiers if d.lookups]
    assert with_lookups, "the showcase uses birth registration, which looks the registrant up"
    for dossier in with_lookups:
        assert dossier.applicant.kind is ApplicantKind.CITIZEN
        assert {(x.result, x.by) for x in dossier.lookups} == {(LookupResult.FOUND, "seed")}
        assert not any(round_.at_reception for round_ in dossier.supplements)
