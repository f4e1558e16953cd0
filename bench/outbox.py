"""What the outbox costs: submissions per second with the outbox's messages written in
each transaction (`record_events`' followers) against the same database without them.

One embedded SecantusDB (syncing every commit) and its catalogue; rounds alternate
between the two modes so machine noise hits both alike. A round is `--per-round`
submissions through the domain's `submit` by `--writers` concurrent writers; each
submission's RECEIVED event makes a portal status message, and a notification for the
applicants who chose a channel. Medians of the rounds and their ratio matter.

    .venv/bin/python -m bench.outbox [--rounds 7] [--per-round 100] [--writers 10]
"""

from __future__ import annotations

import contextlib
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

from api.embedded import EmbeddedDatabase
from bench.durability import bind, print_medians, run_rounds, submissions_per_second
from demo.seeding import seed_catalogue
from documents.dossiers import events
from documents.outbox.messages import OutboxMessage

MODES = ("with the outbox", "without")


@contextlib.contextmanager
def followers_off() -> Iterator[None]:
    """`record_events` without its followers: the cost of the messages alone."""
    saved = list(events._followers)  # the bench's one switch
    events._followers.clear()
    try:
        yield
    finally:
        events._followers.extend(saved)


async def main(rounds: int, per_round: int, writers: int) -> None:
    rng = random.Random(2026)
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as home:
        database = EmbeddedDatabase(Path(home) / "db", init=True)
        uri = database.start()
        try:
            client = await bind(uri)
            await seed_catalogue()
            await submissions_per_second(20, writers, rng)  # warm-up
            for _ in range(rounds):
                rates[MODES[0]].append(await submissions_per_second(per_round, writers, rng))
                with followers_off():
                    rates[MODES[1]].append(await submissions_per_second(per_round, writers, rng))
            messages = await OutboxMessage.count()
            await client.close()
        finally:
            database.stop()
    with_outbox, without = print_medians(rates, per_round, writers)
    print(f"  ratio with/without {with_outbox / without:.2f} ({messages} messages written)")


if __name__ == "__main__":
    run_rounds(__doc__ or "", main)
