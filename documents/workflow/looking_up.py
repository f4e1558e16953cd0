"""Looking papers up in national databases at submission instead of asking for them
(Resolution 66.7/2025/NQ-CP; docs/population.md): the records, and the supplement
round a failed lookup asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from documents.catalogue.procedures import NationalDatabase, Procedure, RequiredPaper
from documents.dossiers.dossier import Applicant, ApplicantKind
from documents.dossiers.parts import DatabaseLookup, SupplementItem, SupplementRound
from documents.national.population import (
    LookupResult,
    PopulationQuery,
    PopulationRegistry,
)

# What the applicant reads on the supplement request (Mẫu 02), one per failed result.
REASONS: dict[LookupResult, str] = {
    LookupResult.NOT_FOUND: (
        "Không tìm thấy số định danh cá nhân của người nộp hồ sơ trong Cơ sở dữ liệu "
        "quốc gia về dân cư; đề nghị xuất trình giấy tờ này hoặc kiểm tra lại số định danh."
    ),
    LookupResult.MISMATCH: (
        "Họ, chữ đệm và tên của người nộp hồ sơ không khớp với thông tin trong Cơ sở dữ "
        "liệu quốc gia về dân cư; đề nghị xuất trình giấy tờ này hoặc kiểm tra lại họ tên."
    ),
    LookupResult.UNAVAILABLE: (
        "Không khai thác được Cơ sở dữ liệu quốc gia về dân cư tại thời điểm tiếp nhận "
        "(hệ thống không phản hồi); đề nghị xuất trình giấy tờ này."
    ),
}


@dataclass(frozen=True)
class Looked:
    """What the lookups at submission decided: the records to keep on the dossier,
    and the supplement round to open at reception when one failed (else None)."""

    lookups: list[DatabaseLookup]
    supplement: SupplementRound | None

    @property
    def failed(self) -> list[DatabaseLookup]:
        return [lookup for lookup in self.lookups if lookup.result is not LookupResult.FOUND]


NOTHING = Looked([], None)


async def look_up(
    procedure: Procedure,
    applicant: Applicant,
    population: PopulationRegistry | None,
    actor: str | None,
    at: datetime,
) -> Looked:
    """One lookup of the applicant for all the procedure's papers that the population
    database stands in for. A business files under its tax code, which the population
    database does not hold: nothing is looked up, and reception checks its
    representative's papers as before. No registry (none configured) is UNAVAILABLE."""
    papers = [
        paper
        for paper in procedure.required_papers
        if paper.satisfied_by_database is NationalDatabase.POPULATION
    ]
    if not papers or applicant.kind is not ApplicantKind.CITIZEN:
        return NOTHING
    if population is None:
        result = LookupResult.UNAVAILABLE
    else:
        query = PopulationQuery(id_number=applicant.id_number, full_name=applicant.full_name)
        result = (await population.lookup(query)).result
    lookups = [
        DatabaseLookup(
            database=NationalDatabase.POPULATION, slot=paper.slot, at=at, by=actor, result=result
        )
        for paper in papers
    ]
    if result is LookupResult.FOUND:
        return Looked(lookups, None)
    round_ = SupplementRound(  # asked by nobody: the lookup asks, automatically
        requested_at=at,
        requested_by=None,
        items=[SupplementItem(item=paper.name, reason=REASONS[result]) for paper in papers],
        at_reception=True,
    )
    return Looked(lookups, round_)


def papers_handed_in(
    papers: list[RequiredPaper], lookups: list[DatabaseLookup]
) -> list[RequiredPaper]:
    """The required papers the receipt (Mẫu 01) lists as handed in: not those a lookup
    stood in for; a failed one is asked for by the supplement request instead."""
    looked_up = {lookup.slot for lookup in lookups}
    return [paper for paper in papers if paper.slot not in looked_up]
