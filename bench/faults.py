"""Fault bench: the scenarios of tests/faults with more iterations, as medians and counts.

The same scenarios as `make test` runs (tests/faults/), bigger: 20 SIGKILLs of the embedded
database under 10 submitters (restarted by the API's supervisor), an API process SIGKILLed
under 10 submitters at 5 agencies, 150 subscribers churning around one that stays, a
subscriber resuming 20 times under 8 writers, and unreadable documents written while
clients submit. Each runs `--runs` times (the database kills once: 20 kills are one run).
Counts are summed over the runs, maxima are the largest, other times medians. `--record`
rewrites the "Faults" section of docs/benchmarks.md.

    .venv/bin/python -m bench.faults [--kills 20] [--runs 3] [--only database,api,...]
                                     [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from api.embedded import database_uri
from tests.faults.harness import Figures, Result
from tests.faults.kills import api_kill, database_kills
from tests.faults.live import churn
from tests.faults.resume import resume
from tests.faults.unknown import unknown_documents

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- faults:start -->", "<!-- faults:end -->"
Scenario = Callable[[Path], Awaitable[Result]]
# Figures for reading one run's logs, not for the record.
LOG_ONLY = frozenset({"killed at (UTC)"})
# A run's settings: the same in every run, not summed.
PER_RUN = frozenset({"kills", "agencies", "churners", "writers", "reconnects"})


def scenarios(args: argparse.Namespace, uri: str) -> dict[str, tuple[str, int, Scenario]]:
    """Name -> (what it does, runs, one run)."""
    return {
        "database": (
            f"{args.kills} SIGKILLs of the embedded database, 10 submitters",
            1,
            lambda d: database_kills(d, kills=args.kills, supervised=not args.restart_by_test),
        ),
        "api": (
            "SIGKILL of one of two API processes, 10 submitters at 5 agencies",
            args.runs,
            api_kill,
        ),
        "churn": (
            f"{args.churners} subscribers churning around one, 4 submitters",
            args.runs,
            lambda d: churn(uri, d, churners=args.churners),
        ),
        "resume": (
            f"a subscriber resuming {args.reconnects} times under 8 writers",
            args.runs,
            lambda d: resume(uri, d, writers=8, reconnects=args.reconnects, window=1.0),
        ),
        "unknown": (
            "an unknown event type and a malformed dossier, 3 submitters",
            args.runs,
            lambda d: unknown_documents(uri, d),
        ),
    }


def summary(runs: list[Figures]) -> Figures:
    """One value per figure over the runs: the settings of a run as they were, counts
    summed, maxima their maximum, other times their median."""
    merged: Figures = {}
    for name, first in runs[0].items():
        if name in LOG_ONLY:
            continue
        values = [run[name] for run in runs]
        if isinstance(first, str) or name in PER_RUN:
            merged[name] = first
        elif isinstance(first, int):
            merged[name] = sum(int(v) for v in values)
        elif name.endswith(" max s") or name.startswith("slowest"):
            merged[name] = max(float(v) for v in values)
        else:
            finite = [float(v) for v in values if float(v) != float("inf")]
            merged[name] = statistics.median(finite) if finite else float("inf")
    return merged


def shown(value: float | int | str) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def section(results: dict[str, tuple[str, int, Figures, list[str]]], load: str) -> str:
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `python -m bench.faults`. Counts are "
        "summed over the runs (a run's settings are per run); maxima are the largest of "
        "the runs, other times (s) the median of the runs.",
        "",
    ]
    for name, (what, runs, figures, problems) in results.items():
        lines += [f"**{name}**: {what}; {runs} run{'s' if runs > 1 else ''}.", ""]
        lines += ["| figure | value |", "|---|---|"]
        lines += [f"| {figure} | {shown(value)} |" for figure, value in figures.items()]
        lines += [""]
        lines += [f"- problem: {p}" for p in problems] or ["- problems: none"]
        lines += [""]
    lines.append(f"Machine: {os.cpu_count()} cores, shared with other work; load average {load}.")
    return "\n".join(lines)


def record(text: str, path: Path = DOCS) -> None:
    content = path.read_text()
    if START not in content or END not in content:
        content = f"{content.rstrip()}\n\n## Faults\n\n{START}\n{END}\n"
    before, rest = content.split(START, 1)
    path.write_text(f"{before}{START}\n{text}\n{END}{rest.split(END, 1)[1]}")
    print(f"recorded in {path}")


async def run(args: argparse.Namespace, uri: str) -> str:
    loads = [f"{os.getloadavg()[0]:.1f}"]
    results: dict[str, tuple[str, int, Figures, list[str]]] = {}
    for name, (what, runs, scenario) in scenarios(args, uri).items():
        if args.only and name not in args.only:
            continue
        figures, problems = [], []
        for n in range(runs):
            print(f"{name} {n + 1}/{runs}: {what}…", flush=True)
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix="motcua-faults-") as scratch:
                result = await scenario(Path(scratch))
            print(f"  {time.monotonic() - started:.0f} s; {result.report()}", flush=True)
            figures.append(result.figures())
            problems += result.problems()
        results[name] = (what, runs, summary(figures), problems)
    loads.append(f"{os.getloadavg()[0]:.1f}")
    text = section(results, " at the start, ".join(loads) + " at the end")
    print(text)
    return text


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kills", type=int, default=20, help="database kills")
    parser.add_argument("--runs", type=int, default=3, help="runs of the other scenarios")
    parser.add_argument("--churners", type=int, default=150)
    parser.add_argument("--reconnects", type=int, default=20)
    parser.add_argument(
        "--restart-by-test",
        action="store_true",
        help="kill a database server of the bench's own and restart it at once, instead "
        "of the API's embedded one and its supervisor",
    )
    parser.add_argument("--only", type=lambda v: v.split(","), default=[], help="names, e.g. api")
    parser.add_argument("--record", action="store_true", help=f"rewrite the section in {DOCS}")
    args = parser.parse_args()
    if min(args.kills, args.runs, args.churners, args.reconnects) < 1:
        parser.error("counts must be positive")
    if args.record and args.only:  # the section holds every scenario: never record half
        parser.error("--record runs every scenario: drop --only")
    return args


def main() -> None:
    args = parse_args()
    configured = os.environ.get("MONGODB_URI")  # for the live scenarios; else embedded
    with (
        tempfile.TemporaryDirectory(prefix="motcua-faults-") as scratch,
        database_uri(configured, Path(scratch) / "db") as uri,
    ):
        text = asyncio.run(run(args, uri))
    if args.record:
        record(text)


if __name__ == "__main__":
    main()
