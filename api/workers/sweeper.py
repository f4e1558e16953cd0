"""The deadline sweeper: every API process counts passed deadlines into the statistics."""

from __future__ import annotations

from api.settings import Settings
from api.workers.periodic import Periodic
from documents.statistics.deadline_sweep import sweep_passed_deadlines


class DeadlineSweeper:
    """Runs `sweep_passed_deadlines` (documents/statistics/deadline_sweep.py) every
    `deadline_sweep_seconds`, so a deadline that passes with no event is still counted."""

    def __init__(self, settings: Settings) -> None:
        hours = settings.office_hours
        self.rounds = Periodic(
            "deadline sweeper",
            settings.deadline_sweep_seconds,
            lambda: sweep_passed_deadlines(hours),
            max_backoff=settings.worker_max_backoff_seconds,
        )

    async def start(self) -> None:
        self.rounds.start()

    async def stop(self) -> None:
        await self.rounds.stop()
