"""Plays a demo dossier's life forward in time, so the demo has every status and
realistic control slips: some steps early, some late, supplements, refusals, and
apologies with a new appointment (Mẫu 04) for some dossiers about to be late."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.catalogue.procedures import OfficerRole, Procedure
from documents.common.clock import local_date, local_moment, to_local
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import load_dossier
from documents.dossiers.parts import PaymentMethod
from documents.dossiers.statuses import DossierStatus
from documents.workflow import acting, paying
from documents.workflow.acting import Decision

# How often each fate is drawn for a dossier old enough to have reached it.
FATES: dict[DossierStatus, int] = {
    DossierStatus.RETURNED: 55,
    DossierStatus.RESULT_READY: 8,
    DossierStatus.IN_PROGRESS: 14,
    DossierStatus.SUPPLEMENT_REQUESTED: 6,
    DossierStatus.REJECTED: 5,
    DossierStatus.REFUSED: 5,
    DossierStatus.WITHDRAWN: 4,
    DossierStatus.RECEIVED: 3,
    DossierStatus.STOPPED: 2,
}

OFFICERS = {
    OfficerRole.RECEPTION: ["tiepnhan.hoa", "tiepnhan.minh", "tiepnhan.lan"],
    OfficerRole.SPECIALIST: ["chuyenvien.nam", "chuyenvien.thu", "chuyenvien.duc"],
    OfficerRole.LEADER: ["lanhdao.thanh", "lanhdao.ha"],
}

# Of the dossiers about to be late, the share whose agency apologises and asks for more
# time (Mẫu 04), on the last working day before the deadline, with these reasons.
APOLOGY_SHARE = 0.3
DELAYS = [
    "Cần xác minh thêm thông tin với cơ quan, tổ chức có liên quan",
    "Cần lấy ý kiến của cơ quan chuyên môn trước khi giải quyết",
    "Cơ sở dữ liệu chuyên ngành bị gián đoạn, chưa tra cứu được thông tin",
]


def pick_fate(rng: random.Random) -> DossierStatus:
    return rng.choices(list(FATES), weights=list(FATES.values()))[0]


class Timeline:
    """Moves a clock forward through office hours and stops at `now`."""

    def __init__(
        self, start: datetime, now: datetime, rng: random.Random, slowness: float = 1.0
    ) -> None:
        self.at, self.now, self.rng, self.slowness = start, now, rng, slowness

    def after(self, working_days: float) -> datetime | None:
        # Calendar days stretch working days over weekends; speed varies by officer.
        days = working_days * self.rng.uniform(0.3, 1.15) * self.slowness * 7 / 5
        self.at = _office_hours(self.at + timedelta(days=days, minutes=self.rng.randrange(20, 180)))
        return self.at if self.at < self.now else None


def _office_hours(moment: datetime) -> datetime:
    """The same moment, or the next opening (08:00 local) when the office is closed."""
    local = to_local(moment)
    if local.hour >= 17:
        local = (local + timedelta(days=1)).replace(hour=8)
    elif local.hour < 8:
        local = local.replace(hour=8)
    while local.weekday() >= 5:
        local = (local + timedelta(days=1)).replace(hour=8)
    return local.astimezone(UTC)


class _Life:
    """One dossier's actions, stage by stage; each stage says whether to go on."""

    def __init__(
        self,
        code: str,
        procedure: Procedure,
        fate: DossierStatus,
        clock: Timeline,
        hours: OfficeHours,
        showcase: bool = False,
        result_data: dict[str, Any] | None = None,
    ) -> None:
        self.code, self.procedure, self.fate, self.clock = code, procedure, fate, clock
        self.hours = hours
        self.result_data = result_data
        self.desk = Actor(user=clock.rng.choice(OFFICERS[OfficerRole.RECEPTION]))
        # The showcase's open dossier apologises whenever it still can, so even a
        # small demo has a Mẫu 04.
        self.must_apologise = showcase and fate is DossierStatus.IN_PROGRESS
        self.due_at: datetime | None = None
        self.appointment_at: datetime | None = None
        self.apology_at: datetime | None = None
        self.calendar: WorkingCalendar | None = None
        self.weighed = False

    async def _apologise_if_late(self, start: datetime, end: datetime | None) -> None:
        """The dossier waits in IN_PROGRESS from `start` to `end` (None: until now). Once
        it is seen to be about to be late (this wait runs past its deadline, or it will
        never be decided and the deadline has passed), a share of such dossiers get the
        apology on the last working day before the deadline, if that day is still ahead."""
        until = min(end, self.clock.now) if end else self.clock.now
        if self.due_at is None or self.appointment_at is None:
            return
        rng = self.clock.rng
        if not self.weighed:
            stays_open = self.fate is DossierStatus.IN_PROGRESS and self.due_at < self.clock.now
            if not stays_open and until <= self.due_at:
                return
            self.weighed = True
            if self.must_apologise or rng.random() < APOLOGY_SHARE:
                self.calendar = await load_calendar(self.hours, self.procedure.time_rules)
                self.apology_at = self._apology_moment(start, self.calendar)
        if self.apology_at is None or not start <= self.apology_at < until:
            return
        assert self.calendar is not None
        latest = max(local_date(self.due_at), local_date(self.appointment_at))
        new_appointment = self.calendar.add_working_days(latest, rng.randint(2, 5))
        leader = Actor(user=rng.choice(OFFICERS[OfficerRole.LEADER]))
        reason = rng.choice(DELAYS)
        at, self.apology_at = self.apology_at, None
        await acting.issue_apology(
            self.code, reason, new_appointment, leader, hours=self.hours, at=at
        )

    def _apology_moment(self, start: datetime, calendar: WorkingCalendar) -> datetime | None:
        """During office hours of the working day before the deadline, after `start`;
        None when that day is already over (too late to apologise)."""
        assert self.due_at is not None
        day = local_date(self.due_at) - timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        rng = self.clock.rng
        planned = local_moment(day, time(9)) + timedelta(minutes=rng.randrange(0, 7 * 60))
        moment = max(planned.astimezone(UTC), start + timedelta(minutes=rng.randrange(20, 90)))
        if local_date(moment) != day or to_local(moment).time() >= calendar.hours.close:
            return None
        return moment

    async def reception(self) -> bool:
        at = self.clock.after(0.05)
        if self.fate is DossierStatus.RECEIVED or at is None:
            return False
        if self.fate is DossierStatus.REFUSED:
            await acting.refuse(
                self.code,
                "Hồ sơ không thuộc thẩm quyền giải quyết",
                self.desk,
                hours=self.hours,
                at=at,
            )
            return False
        accepted = await acting.accept(self.code, self.desk, hours=self.hours, at=at)
        self.due_at, self.appointment_at = accepted.due_at, accepted.appointment_at
        return True

    async def processing(self) -> bool:
        for step in self.procedure.steps[1:]:
            start = self.clock.at
            at = self.clock.after(step.working_days)
            await self._apologise_if_late(start, at)
            if at is None:
                return False
            waiting = self.fate is DossierStatus.SUPPLEMENT_REQUESTED
            if waiting and step.role is OfficerRole.LEADER:
                items = [{"item": "Bản sao giấy tờ tùy thân", "reason": "Bản sao không rõ nét"}]
                await acting.request_supplement(
                    self.code, items, Actor(user="chuyenvien.nam"), hours=self.hours, at=at
                )
                return False
            officer = self.clock.rng.choice(OFFICERS[step.role])
            await acting.hand_over(
                self.code, step.key, Actor(), to_user=officer, hours=self.hours, at=at
            )
        if self.fate is DossierStatus.IN_PROGRESS:  # it waits for a decision until now
            await self._apologise_if_late(self.clock.at, None)
        return self.fate not in (DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED)

    async def decision(self) -> bool:
        start = self.clock.at
        at = self.clock.after(0.3)
        await self._apologise_if_late(start, at)
        if at is None:
            return False
        if self.fate is DossierStatus.WITHDRAWN:
            await acting.withdraw(
                self.code, "Công dân không còn nhu cầu", Actor(), hours=self.hours, at=at
            )
            return False
        leader = Actor(user=self.clock.rng.choice(OFFICERS[OfficerRole.LEADER]))
        if self.fate is DossierStatus.STOPPED:
            reason = "Hồ sơ đang được cơ quan có thẩm quyền thanh tra, xác minh"
            await acting.stop_processing(self.code, reason, leader, hours=self.hours, at=at)
            return False
        if self.fate is DossierStatus.REJECTED:
            reason = "Không đủ điều kiện theo quy định"
            await acting.record_result(
                self.code, Decision.REJECT, reason, leader, hours=self.hours, at=at
            )
            return False
        await acting.record_result(
            self.code,
            Decision.APPROVE,
            "Đủ điều kiện",
            leader,
            hours=self.hours,
            at=at,
            result_data=self.result_data,
        )
        return self.fate is not DossierStatus.RESULT_READY

    async def hand_back(self) -> bool:
        at = self.clock.after(0.5)
        if at is None:
            return False
        dossier = await load_dossier(self.code)
        if dossier.fee_due:
            await paying.request_payment(self.code, self.desk, hours=self.hours, at=at)
            reference = f"BL-{self.code[-11:]}"
            await paying.record_payment(
                self.code,
                dossier.fee_due,
                PaymentMethod.COUNTER,
                reference,
                self.desk,
                hours=self.hours,
                at=at,
            )
        await acting.return_result(self.code, self.desk, hours=self.hours, at=at)
        return True


async def play(
    code: str,
    procedure: Procedure,
    fate: DossierStatus,
    clock: Timeline,
    hours: OfficeHours,
    showcase: bool = False,
    result_data: dict[str, Any] | None = None,
) -> None:
    """Take the dossier's actions at an office keeping `hours`, until `fate` or `now`;
    the `showcase`'s open dossier apologises if it still can (the others by chance).
    An approval records `result_data` (a group member's certificate number)."""
    life = _Life(code, procedure, fate, clock, hours, showcase, result_data)
    for stage in (life.reception, life.processing, life.decision, life.hand_back):
        if not await stage():
            return
