"""Merging agencies: A and B become C from an effective date (see docs/merges.md).

`plan_merge` checks a merge and previews it without writing anything; `apply_merge`
does it in one transaction: C is created if new, A and B point to C, their active
children move under C, and every open dossier whose handling agency or open step is A
or B moves to C with an AGENCY_MERGED event. Finished dossiers, dossier codes,
receiving agencies, finished steps and events are history and are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.catalogue.agencies import Agency, AgencyLevel, AgencyState
from documents.common.clock import local_today, utcnow
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import in_event_transaction
from documents.merges.moving import move_dossiers, moving_from, open_dossiers_naming

# How many codes of moving dossiers a preview lists per source agency.
PREVIEW_CODES = 50


@dataclass(frozen=True)
class NewAgency:
    """The target, when the merge creates it."""

    name: str
    level: AgencyLevel
    parent_code: str | None = None
    name_en: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class SourcePreview:
    """What a merge does to the dossiers that name one source agency. A dossier that
    names two sources counts for both; `MergePlan` has the totals."""

    agency_code: str
    # Open dossiers whose handling agency or open step is this agency: they move.
    moving: int
    # Finished dossiers that name this agency: they stay exactly as they are.
    finished: int
    # Open dossiers that name it only as history (receiving agency, a finished step).
    referenced_only: int
    # The first PREVIEW_CODES codes of the moving dossiers.
    moving_codes: list[str]


@dataclass(frozen=True)
class MergePlan:
    sources: list[str]
    target: str
    effective: date
    new_target: NewAgency | None
    # The target as it is, or as it will be created (not saved by a plan).
    target_agency: Agency
    # Active agencies directly under a source: they move under the target.
    moving_children: list[str]
    preview: list[SourcePreview]
    moving: int
    finished: int


@dataclass(frozen=True)
class AgencyChange:
    before: Agency | None
    after: Agency


@dataclass(frozen=True)
class MergeResult:
    """What was done: the preview is recomputed inside the transaction."""

    plan: MergePlan
    target: Agency
    changes: list[AgencyChange] = field(default_factory=list)
    moved_codes: list[str] = field(default_factory=list)


def _invalid(message: str, where: str) -> DomainError:
    return DomainError(ErrorCode.MERGE_INVALID, message, where)


async def _find(code: str, session: AsyncClientSession | None) -> Agency | None:
    return await Agency.find_one(Agency.code == code, session=session)


async def _ancestors(code: str | None, session: AsyncClientSession | None) -> list[str]:
    """`code` and every agency above it, nearest first."""
    found: list[str] = []
    while code is not None and code not in found:
        found.append(code)
        agency = await _find(code, session)
        code = agency.parent_code if agency else None
    return found


def _source_codes(sources: list[str], target: str) -> list[str]:
    """Sources in the order given, without repeats; the target, if named among them,
    is the agency that remains ("A and B into A"), not a source."""
    codes = [code.strip() for code in sources]
    return [code for i, code in enumerate(codes) if code and code not in [*codes[:i], target]]


async def _checked_sources(codes: list[str], session: AsyncClientSession | None) -> list[Agency]:
    if not codes:
        raise _invalid("name at least one agency to merge, besides the target", "sources")
    found = []
    for code in codes:
        agency = await _find(code, session)
        if agency is None:
            raise not_found("agency", code, "sources")
        if agency.state is not AgencyState.ACTIVE:
            raise _invalid(
                f"agency {code!r} was already merged into {agency.merged_into!r}", "sources"
            )
        found.append(agency)
    return found


async def _checked_target(
    target: str, new: NewAgency | None, session: AsyncClientSession | None
) -> Agency:
    existing = await _find(target, session)
    if new is None:
        if existing is None:
            raise not_found("agency", target, "target")
        if existing.state is not AgencyState.ACTIVE:
            raise _invalid(f"agency {target!r} was merged into {existing.merged_into!r}", "target")
        return existing
    if existing is not None:
        raise DomainError(ErrorCode.ALREADY_EXISTS, f"agency {target!r} already exists", "target")
    if not target or not new.name.strip():
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "a new agency needs a code and a name", "newTarget.name"
        )
    if new.parent_code is not None:
        parent = await _find(new.parent_code, session)
        if parent is None:
            raise not_found("agency", new.parent_code, "newTarget.parentCode")
        if parent.state is not AgencyState.ACTIVE:
            raise _invalid(f"agency {new.parent_code!r} was merged", "newTarget.parentCode")
    return Agency(
        code=target,
        name=new.name.strip(),
        name_en=new.name_en,
        level=new.level,
        parent_code=new.parent_code,
        address=new.address,
    )


async def _validated(
    sources: list[str],
    target: str,
    effective: date,
    new_target: NewAgency | None,
    session: AsyncClientSession | None = None,
) -> tuple[list[Agency], Agency]:
    target = target.strip()
    today = local_today()
    if effective > today:
        raise _invalid(
            f"a merge is applied on or after its effective date; run it on {effective}",
            "effectiveDate",
        )
    if new_target is not None and target in [code.strip() for code in sources]:
        raise _invalid("a new target cannot be one of the merged agencies", "target")
    found = await _checked_sources(_source_codes(sources, target), session)
    target_agency = await _checked_target(target, new_target, session)
    above = await _ancestors(target_agency.parent_code, session)
    for source in found:
        if source.code in above:
            raise _invalid(
                f"{target!r} lies under {source.code!r}: merging it there would make a cycle",
                "target",
            )
    return found, target_agency


async def _children(codes: list[str], session: AsyncClientSession | None) -> list[Agency]:
    found = await Agency.find(
        {"parent_code": {"$in": codes}, "state": AgencyState.ACTIVE.value, "code": {"$nin": codes}},
        session=session,
    ).to_list()
    return sorted(found, key=lambda agency: agency.code)


async def _survey(
    codes: list[str], open_ones: list[Dossier], session: AsyncClientSession | None
) -> list[SourcePreview]:
    previews = []
    for code in codes:
        naming = [d for d in open_ones if code in d.agency_codes]
        moving = [d.code for d in naming if moving_from(d, [code])]
        finished = await _count_finished([code], session)
        referenced_only = sum(1 for d in naming if not moving_from(d, codes))
        previews.append(
            SourcePreview(code, len(moving), finished, referenced_only, moving[:PREVIEW_CODES])
        )
    return previews


async def _count_finished(codes: list[str], session: AsyncClientSession | None) -> int:
    query = {"agency_codes": {"$in": codes}, "finished_at": {"$ne": None}}
    return await Dossier.get_pymongo_collection().count_documents(query, session=session)


async def _plan(
    sources: list[str],
    target: str,
    effective: date,
    new_target: NewAgency | None,
    session: AsyncClientSession | None = None,
) -> tuple[MergePlan, list[Dossier]]:
    """The plan, and the open dossiers that name a source (some of which move)."""
    found, target_agency = await _validated(sources, target, effective, new_target, session)
    codes = [agency.code for agency in found]
    children = await _children(codes, session)
    open_ones = await open_dossiers_naming(codes, session)
    plan = MergePlan(
        sources=codes,
        target=target_agency.code,
        effective=effective,
        new_target=new_target,
        target_agency=target_agency,
        moving_children=[child.code for child in children],
        preview=await _survey(codes, open_ones, session),
        moving=sum(1 for d in open_ones if moving_from(d, codes)),
        finished=await _count_finished(codes, session),
    )
    return plan, open_ones


async def plan_merge(
    sources: list[str], target: str, effective: date, new_target: NewAgency | None = None
) -> MergePlan:
    """Check a merge and preview it; nothing is written."""
    plan, _ = await _plan(sources, target, effective, new_target)
    return plan


async def apply_merge(plan: MergePlan, actor: str | None = None) -> MergeResult:
    """Do the merge in one transaction, checking it again inside, so a concurrent
    merge or change cannot slip in between the plan and the writes."""

    async def work(session: AsyncClientSession) -> MergeResult:
        now = utcnow()
        fresh, open_ones = await _plan(
            plan.sources, plan.target, plan.effective, plan.new_target, session
        )
        target = fresh.target_agency
        changes: list[AgencyChange] = []
        if plan.new_target is not None:
            try:
                await target.insert(session=session)
            except DuplicateKeyError:
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS, f"agency {target.code!r} already exists", "target"
                ) from None
            changes.append(AgencyChange(None, target))
        for code in fresh.sources:
            changes.append(await _retire(code, target.code, plan.effective, session))
        for child in await _children(fresh.sources, session):
            before = child.model_copy(deep=True)
            child.parent_code = target.code
            await child.replace(session=session)
            changes.append(AgencyChange(before, child))
        moved = await move_dossiers(
            open_ones, fresh.sources, target.code, plan.effective, now, actor, session
        )
        return MergeResult(fresh, target, changes, moved)

    return await in_event_transaction(Agency, work)


async def _retire(
    code: str, target: str, effective: date, session: AsyncClientSession
) -> AgencyChange:
    agency = await _find(code, session)
    assert agency is not None  # checked in the same transaction
    before = agency.model_copy(deep=True)
    agency.state = AgencyState.MERGED
    agency.merged_into = target
    agency.merged_at = effective
    await agency.replace(session=session)
    return AgencyChange(before, agency)
