"""Merging agencies: A and B become C from an effective date (see docs/merges.md).

`plan_merge` checks a merge and previews it without writing anything; `apply_merge`
does it in one transaction: C is created if new, A and B point to C, their active
children move under C, and every open dossier whose handling agency or open step is A
or B moves to C with an AGENCY_MERGED event and its statistics fact refreshed.
Finished dossiers, dossier codes, receiving agencies, finished steps and events are
history and are never touched. A merge whose moment is still ahead is scheduled
(documents/merges/scheduling.py), not applied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency, AgencyState
from documents.common.clock import local_date, utcnow
from documents.common.errors import not_found
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType, in_event_transaction
from documents.merges.checks import (
    LISTED_CODES,
    NewAgency,
    Reason,
    applying_moment,
    ensure_active,
    ensure_valid_on,
    last_day_before,
    refuse_backdated_conflicts,
    refused,
)
from documents.merges.moving import Move, move_dossiers, moving_from, open_dossiers_naming
from documents.merges.targets import (
    active_children,
    ancestors,
    checked_existing,
    checked_new_agency,
    find_agency,
    insert_new_agency,
)

__all__ = ["MergePlan", "MergeResult", "NewAgency", "apply_merge", "plan_merge"]


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
    # The first LISTED_CODES codes of the moving dossiers.
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
    # The moment the merge is applied: the `effectiveAt` asked for, or 00:00 Hà Nội
    # time on the effective date. Later than now: the merge is scheduled.
    applies_at: datetime
    # Whether `effectiveAt` was given (kept when the merge is scheduled).
    exact_moment: bool = False


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


# Run inside the merge's transaction, after its writes (a scheduled merge is marked
# applied, and audited, in the same commit).
AfterMerge = Callable[[AsyncClientSession, MergeResult], Awaitable[None]]


def _source_codes(sources: list[str], target: str) -> list[str]:
    """Sources in the order given, without repeats; the target, if named among them,
    is the agency that remains ("A and B into A"), not a source."""
    codes = [code.strip() for code in sources]
    return [code for i, code in enumerate(codes) if code and code not in [*codes[:i], target]]


async def _checked_sources(
    codes: list[str], effective: date, session: AsyncClientSession | None
) -> list[Agency]:
    if not codes:
        raise refused(
            Reason.NO_SOURCES, "name at least one agency to merge, besides the target", "sources"
        )
    found = []
    for code in codes:
        agency = await find_agency(code, session)
        if agency is None:
            raise not_found("agency", code, "sources")
        ensure_active(agency, "sources")
        # It ends the day before the merge takes effect, so it existed then.
        ensure_valid_on(agency, last_day_before(effective), "sources")
        found.append(agency)
    return found


async def _validated(
    sources: list[str],
    target: str,
    effective: date,
    new_target: NewAgency | None,
    session: AsyncClientSession | None = None,
) -> tuple[list[Agency], Agency]:
    target = target.strip()
    if new_target is not None and target in [code.strip() for code in sources]:
        raise refused(
            Reason.TARGET_IS_SOURCE, "a new target cannot be one of the merged agencies", "target"
        )
    found = await _checked_sources(_source_codes(sources, target), effective, session)
    if new_target is None:
        target_agency = await checked_existing(target, effective, "target", session)
    else:
        target_agency = await checked_new_agency(
            target, new_target, effective, "target", session, "newTarget"
        )
    above = await ancestors(target_agency.parent_code, session)
    for source in found:
        if source.code in above:
            raise refused(
                Reason.CYCLE,
                f"{target!r} lies under {source.code!r}: merging it there would make a cycle",
                "target",
            )
    return found, target_agency


async def _survey(
    codes: list[str], open_ones: list[Dossier], session: AsyncClientSession | None
) -> list[SourcePreview]:
    previews = []
    for code in codes:
        naming = [d for d in open_ones if code in d.agency_codes]
        moving = [d.code for d in naming if moving_from(d, [code])]
        finished = await count_finished([code], session)
        referenced_only = sum(1 for d in naming if not moving_from(d, codes))
        previews.append(
            SourcePreview(code, len(moving), finished, referenced_only, moving[:LISTED_CODES])
        )
    return previews


async def count_finished(codes: list[str], session: AsyncClientSession | None) -> int:
    query = {"agency_codes": {"$in": codes}, "finished_at": {"$ne": None}}
    return await Dossier.get_pymongo_collection().count_documents(query, session=session)


async def _plan(
    wanted: MergePlan | None,
    sources: list[str],
    target: str,
    effective: date,
    new_target: NewAgency | None,
    effective_at: datetime | None,
    session: AsyncClientSession | None = None,
) -> tuple[MergePlan, list[Dossier]]:
    """The plan, and the open dossiers that name a source (some of which move)."""
    applies_at = wanted.applies_at if wanted else applying_moment(effective, effective_at)
    found, target_agency = await _validated(sources, target, effective, new_target, session)
    codes = [agency.code for agency in found]
    children = await active_children(codes, session)
    open_ones = await open_dossiers_naming(codes, session)
    moving = [d for d in open_ones if moving_from(d, codes)]
    await refuse_backdated_conflicts(moving, set(codes), effective, local_date(utcnow()), session)
    plan = MergePlan(
        sources=codes,
        target=target_agency.code,
        effective=effective,
        new_target=new_target,
        target_agency=target_agency,
        moving_children=[child.code for child in children],
        preview=await _survey(codes, open_ones, session),
        moving=len(moving),
        finished=await count_finished(codes, session),
        applies_at=applies_at,
        exact_moment=wanted.exact_moment if wanted else effective_at is not None,
    )
    return plan, open_ones


async def plan_merge(
    sources: list[str],
    target: str,
    effective: date,
    new_target: NewAgency | None = None,
    effective_at: datetime | None = None,
) -> MergePlan:
    """Check a merge as things are now and preview it; nothing is written. A plan whose
    `applies_at` is still ahead is one to schedule."""
    plan, _ = await _plan(None, sources, target, effective, new_target, effective_at)
    return plan


async def apply_merge(
    plan: MergePlan,
    actor: str | None = None,
    *,
    hours: OfficeHours,
    after: AfterMerge | None = None,
) -> MergeResult:
    """Do the merge in one transaction, checking it again inside, so a concurrent
    merge or change cannot slip in between the plan and the writes. Deadlines and the
    moved dossiers' statistics are counted in the calendar of an office keeping `hours`."""
    if plan.applies_at > utcnow():
        raise refused(
            Reason.FUTURE_DATE,
            f"this merge applies at {plan.applies_at.isoformat()}; schedule it",
            "effectiveDate",
        )
    calendar = await load_calendar(hours)

    async def work(session: AsyncClientSession) -> MergeResult:
        now = utcnow()
        fresh, open_ones = await _plan(
            plan, plan.sources, plan.target, plan.effective, plan.new_target, None, session
        )
        target = fresh.target_agency
        changes: list[AgencyChange] = []
        if plan.new_target is not None:
            await insert_new_agency(target, "target", session)
            changes.append(AgencyChange(None, target))
        for code in fresh.sources:
            changes.append(await _retire(code, target.code, plan.effective, session))
        for child in await active_children(fresh.sources, session):
            before = child.model_copy(deep=True)
            child.parent_code = target.code
            await child.replace(session=session)
            changes.append(AgencyChange(before, child))
        move = Move(
            EventType.AGENCY_MERGED, frozenset(fresh.sources), plan.effective, now, actor, calendar
        )
        targets = dict.fromkeys((d.code for d in open_ones), target.code)
        moved = await move_dossiers(open_ones, targets, move, session)
        result = MergeResult(fresh, target, changes, moved)
        if after is not None:
            await after(session, result)
        return result

    return await in_event_transaction(Agency, work)


async def _retire(
    code: str, target: str, effective: date, session: AsyncClientSession
) -> AgencyChange:
    agency = await find_agency(code, session)
    assert agency is not None  # checked in the same transaction
    before = agency.model_copy(deep=True)
    agency.state = AgencyState.MERGED
    agency.merged_into = target
    agency.merged_at = effective
    agency.valid_to = last_day_before(effective)
    await agency.replace(session=session)
    return AgencyChange(before, agency)
