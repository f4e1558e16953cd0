"""A group submission's status, deadline and timeliness, worked out from its members
(docs/groups.md, "Group status and deadline"). Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from documents.calendar.working_calendar import WorkingCalendar
from documents.common.clock import local_date
from documents.dossiers.deadlines import classify
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import FINISHED, TIMED, DossierStatus
from documents.groups.definition import ProcedureGroup
from documents.groups.records import GroupStatus

_S = DossierStatus
WITH_RESULT = frozenset({_S.RESULT_READY, _S.RETURNED})
"""A member that has its result: the applicant got (or may collect) what was asked."""


@dataclass(frozen=True)
class Pause:
    """One supplement round of a member: asked on `asked`, answered on `answered` (None
    while the applicant has not answered yet)."""

    asked: datetime
    answered: datetime | None


@dataclass(frozen=True)
class MemberClock:
    """What the group's rules need to know of one member dossier."""

    status: DossierStatus
    finished_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()

    @classmethod
    def of(cls, dossier: Dossier) -> MemberClock:
        pauses = tuple(Pause(r.requested_at, r.supplemented_at) for r in dossier.supplements)
        finished = dossier.finished_at
        if finished is None and dossier.status in FINISHED:
            finished = dossier.updated_at  # stored before `finished_at` was kept
        return cls(dossier.status, finished, pauses)


@dataclass(frozen=True)
class GroupProgress:
    status: GroupStatus
    due_at: datetime
    paused_working_days: int
    finished_at: datetime | None
    timeliness: Timeliness | None

    @property
    def on_time(self) -> bool | None:
        """Finished by the group deadline (early or on the day); None while running or
        when no member was timed."""
        if self.timeliness is None:
            return None
        return self.timeliness is not Timeliness.LATE


def group_status(statuses: Iterable[DossierStatus]) -> GroupStatus:
    """IN_PROGRESS while any member is open (WAITING_FOR_INPUT included); once all are
    finished: DONE if every member has its result, PARTLY_DONE if some have, WITHDRAWN if
    none has and all were withdrawn, else REFUSED (refused, rejected or stopped, with or
    without withdrawn ones)."""
    members = list(statuses)
    if not members or any(status not in FINISHED for status in members):
        return GroupStatus.IN_PROGRESS
    with_result = sum(1 for status in members if status in WITH_RESULT)
    if with_result == len(members):
        return GroupStatus.DONE
    if with_result:
        return GroupStatus.PARTLY_DONE
    if all(status is _S.WITHDRAWN for status in members):
        return GroupStatus.WITHDRAWN
    return GroupStatus.REFUSED


def paused_days(calendar: WorkingCalendar, pauses: Iterable[Pause]) -> int:
    """The working days on which at least one member waited for the applicant, each day
    counted once however many members waited on it. A day counts as a dossier's pause
    does (workflow/supplementing.py): the working days after the day asked, up to and
    including the day answered. A round not answered yet moves nothing yet, as for a
    dossier: its days count when the answer comes."""
    days: set[date] = set()
    for pause in pauses:
        if pause.answered is None:
            continue
        day, last = local_date(pause.asked), local_date(pause.answered)
        while day < last:
            day += timedelta(days=1)
            if calendar.is_working_day(day):
                days.add(day)
    return len(days)


def allowance(definition: ProcedureGroup, verification: bool) -> int:
    """The group's legal time in working days: the longer one when verification is needed."""
    return definition.verification_days if verification else definition.processing_days


def group_deadline(calendar: WorkingCalendar, received_at: datetime, working_days: int) -> datetime:
    """The deadline set when the group is received (`DossierGroup.due_at`): closing time
    `working_days` working days after its first reception, the day counted from as for
    a dossier (the cut-off applies)."""
    return calendar.deadline(received_at, working_days, None)


def group_progress(
    calendar: WorkingCalendar,
    received_at: datetime,
    working_days: int,
    members: Sequence[MemberClock],
) -> GroupProgress:
    """The group's status; its deadline: `working_days` from its first reception, moved
    by its members' supplement pauses; and, once every member is finished, when it
    finished (the last member's finish) and whether by its deadline."""
    paused = paused_days(calendar, (pause for member in members for pause in member.pauses))
    due = calendar.postpone(group_deadline(calendar, received_at, working_days), paused)
    return _progress(due, paused, members)


def progress_against(due_at: datetime, members: Sequence[MemberClock]) -> GroupProgress:
    """The same against a deadline taken as final (the stored one, when the group's
    definition, and so its working days, can no longer be read)."""
    return _progress(due_at, 0, members)


def _progress(due: datetime, paused: int, members: Sequence[MemberClock]) -> GroupProgress:
    # Timeliness needs at least one timed member: a group whose members were all
    # stopped made no decision, like a stopped dossier.
    status = group_status(member.status for member in members)
    finished_at: datetime | None = None
    timeliness: Timeliness | None = None
    if status is not GroupStatus.IN_PROGRESS:
        ends = [member.finished_at for member in members if member.finished_at is not None]
        finished_at = max(ends) if ends else None
        if finished_at is not None and any(member.status in TIMED for member in members):
            timeliness = classify(finished_at, due)
    return GroupProgress(status, due, paused, finished_at, timeliness)
