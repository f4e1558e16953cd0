"""The deadline sweeper: every API process runs one in the background
(`documents/deadline_sweep.py` says why; sweeps racing each other are harmless)."""

from __future__ import annotations

from api.periodic import Periodic
from documents.deadline_sweep import sweep_passed_deadlines


def deadline_sweeper(interval_seconds: float) -> Periodic:
    return Periodic("deadline sweeper", interval_seconds, sweep_passed_deadlines)
