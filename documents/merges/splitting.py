"""Splitting an agency: its open dossiers are distributed among several agencies, existing
or new, from an effective date, and it ends (docs/merges.md).

`plan_split` checks a split and previews it without writing anything; `apply_split`
does it in one transaction: new targets are created, the source becomes SPLIT and ends
the day before the effective date, and each open dossier whose handling agency or open
step is the source moves to its target with an AGENCY_SPLIT event and its statistics
fact refreshed. Finished dossiers, codes, receiving agencies and events are history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency, AgencyState
from documents.common.clock import local_today, utcnow
from documents.common.errors import not_found
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType, in_event_transaction
from documents.merges.checks import (
    LISTED_CODES,
    NewAgency,
    Reason,
    ensure_active,
    ensure_valid_on,
    last_day_before,
    refuse_backdated_conflicts,
    refused,
)
from documents.merges.distributing import SplitRule, distribute
from documents.merges.merging import AgencyChange, count_finished
from documents.merges.moving import Move, move_dossiers, moving_from, open_dossiers_naming
from documents.merges.targets import (
    active_children,
    ancestors,
    checked_existing,
    checked_new_agency,
    find_agency,
    insert_new_agency,
)


@dataclass(frozen=True)
class SplitTarget:
    code: str
    new: NewAgency | None = None  # create it with this code


@dataclass(frozen=True)
class SplitRequest:
    source: str
    targets: list[SplitTarget]
    rule: SplitRule
    effective: date
    # BY_LIST: dossier code -> target code.
    assignments: Mapping[str, str] = field(default_factory=dict)
    # Where a dossier the rule does not place goes; None: such a dossier is an error.
    default_target: str | None = None


@dataclass(frozen=True)
class TargetPreview:
    agency_code: str
    moving: int
    moving_codes: list[str]  # the first LISTED_CODES


@dataclass(frozen=True)
class SplitPlan:
    request: SplitRequest
    source: Agency
    # As they are, or as they will be created (not saved by a plan).
    targets: list[Agency]
    # Dossier code -> target code, for every open dossier that moves.
    assignment: dict[str, str]
    preview: list[TargetPreview]
    moving: int
    finished: int
    referenced_only: int


@dataclass(frozen=True)
class SplitResult:
    plan: SplitPlan
    changes: list[AgencyChange]
    moved_codes: list[str]


async def _checked_source(code: str, effective: date, session: AsyncClientSession | None) -> Agency:
    source = await find_agency(code, session)
    if source is None:
        raise not_found("agency", code, "source")
    ensure_active(source, "source")
    ensure_valid_on(source, last_day_before(effective), "source")
    if await active_children([source.code], session):
        raise refused(
            Reason.HAS_CHILDREN,
            f"agency {code!r} has active agencies under it; move or merge them first",
            "source",
        )
    return source


async def _checked_targets(
    source: Agency, wanted: list[SplitTarget], effective: date, session: AsyncClientSession | None
) -> list[Agency]:
    chosen: dict[str, SplitTarget] = {}
    for target in wanted:
        chosen.setdefault(target.code.strip(), target)
    if source.code in chosen:
        raise refused(Reason.TARGET_IS_SOURCE, "a target cannot be the split agency", "targets")
    if len(chosen) < 2:
        raise refused(
            Reason.TOO_FEW_TARGETS,
            "a split needs at least two targets; to move everything to one, merge",
            "targets",
        )
    found = []
    for code, target in chosen.items():
        if target.new is None:
            agency = await checked_existing(code, effective, "targets", session)
        else:
            agency = await checked_new_agency(code, target.new, effective, "targets", session)
        if source.code in await ancestors(agency.parent_code, session):
            raise refused(
                Reason.CYCLE, f"{code!r} lies under the split agency {source.code!r}", "targets"
            )
        found.append(agency)
    return found


async def _plan(
    request: SplitRequest, session: AsyncClientSession | None = None
) -> tuple[SplitPlan, list[Dossier]]:
    """The plan, and the open dossiers that move."""
    if request.effective > local_today():
        raise refused(
            Reason.FUTURE_DATE,
            "a split is applied on or after its effective date (splits are not scheduled)",
            "effectiveDate",
        )
    source = await _checked_source(request.source.strip(), request.effective, session)
    targets = await _checked_targets(source, request.targets, request.effective, session)
    open_ones = await open_dossiers_naming([source.code], session)
    moving = [d for d in open_ones if moving_from(d, [source.code])]
    await refuse_backdated_conflicts(
        moving, {source.code}, request.effective, local_today(), session
    )
    assignment = await distribute(
        moving, request.rule, targets, request.assignments, request.default_target, session
    )
    counts = Counter(assignment.values())
    preview = [
        TargetPreview(
            t.code,
            counts[t.code],
            sorted(code for code, to in assignment.items() if to == t.code)[:LISTED_CODES],
        )
        for t in targets
    ]
    plan = SplitPlan(
        request=request,
        source=source,
        targets=targets,
        assignment=assignment,
        preview=preview,
        moving=len(moving),
        finished=await count_finished([source.code], session),
        referenced_only=len(open_ones) - len(moving),
    )
    return plan, moving


async def plan_split(request: SplitRequest) -> SplitPlan:
    """Check a split and preview it; nothing is written."""
    plan, _ = await _plan(request)
    return plan


async def apply_split(
    plan: SplitPlan, actor: str | None = None, *, hours: OfficeHours
) -> SplitResult:
    """Do the split in one transaction, checking and distributing again inside, so a
    change between the plan and the writes cannot slip through."""
    calendar = await load_calendar(hours)
    request = plan.request

    async def work(session: AsyncClientSession) -> SplitResult:
        now = utcnow()
        fresh, moving = await _plan(request, session)
        changes: list[AgencyChange] = []
        new_codes = {t.code.strip() for t in request.targets if t.new is not None}
        for target in fresh.targets:
            if target.code not in new_codes:
                continue
            await insert_new_agency(target, "targets", session)
            changes.append(AgencyChange(None, target))
        source = fresh.source
        before = source.model_copy(deep=True)
        source.state = AgencyState.SPLIT
        source.valid_to = last_day_before(request.effective)
        await source.replace(session=session)
        changes.append(AgencyChange(before, source))
        move = Move(
            EventType.AGENCY_SPLIT,
            frozenset({source.code}),
            request.effective,
            now,
            actor,
            calendar,
            {"rule": request.rule.value},
        )
        moved = await move_dossiers(moving, fresh.assignment, move, session)
        return SplitResult(fresh, changes, moved)

    return await in_event_transaction(Agency, work)
