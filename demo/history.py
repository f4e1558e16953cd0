"""Plays a demo dossier's life forward in time, so the demo has every status and
realistic control slips: some steps early, some late, supplements, refusals."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import OfficerRole, Procedure
from documents.common.clock import to_local
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
}

OFFICERS = {
    OfficerRole.RECEPTION: ["tiepnhan.hoa", "tiepnhan.minh", "tiepnhan.lan"],
    OfficerRole.SPECIALIST: ["chuyenvien.nam", "chuyenvien.thu", "chuyenvien.duc"],
    OfficerRole.LEADER: ["lanhdao.thanh", "lanhdao.ha"],
}


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
    ) -> None:
        self.code, self.procedure, self.fate, self.clock = code, procedure, fate, clock
        self.hours = hours
        self.desk = Actor(user=clock.rng.choice(OFFICERS[OfficerRole.RECEPTION]))

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
        await acting.accept(self.code, self.desk, hours=self.hours, at=at)
        return True

    async def processing(self) -> bool:
        for step in self.procedure.steps[1:]:
            at = self.clock.after(step.working_days)
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
        return self.fate not in (DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED)

    async def decision(self) -> bool:
        at = self.clock.after(0.3)
        if at is None:
            return False
        if self.fate is DossierStatus.WITHDRAWN:
            await acting.withdraw(
                self.code, "Công dân không còn nhu cầu", Actor(), hours=self.hours, at=at
            )
            return False
        leader = Actor(user=self.clock.rng.choice(OFFICERS[OfficerRole.LEADER]))
        if self.fate is DossierStatus.REJECTED:
            reason = "Không đủ điều kiện theo quy định"
            await acting.record_result(
                self.code, Decision.REJECT, reason, leader, hours=self.hours, at=at
            )
            return False
        await acting.record_result(
            self.code, Decision.APPROVE, "Đủ điều kiện", leader, hours=self.hours, at=at
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
    code: str, procedure: Procedure, fate: DossierStatus, clock: Timeline, hours: OfficeHours
) -> None:
    """Take the dossier's actions at an office keeping `hours`, until `fate` or `now`."""
    life = _Life(code, procedure, fate, clock, hours)
    for stage in (life.reception, life.processing, life.decision, life.hand_back):
        if not await stage():
            return
