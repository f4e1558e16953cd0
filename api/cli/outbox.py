"""`motcua outbox status|redeliver`: each external system's backlog, dead letters and
oldest pending message; a dead letter sent again (docs/integrations.md, "Operations")."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from api.adapters.ports import adapters
from api.cli.plain import fail, load_settings
from api.cli.simulated import simulated
from api.database import DatabaseStartError, UnsafeDeploymentError, connect
from api.embedded import EmbeddedDatabaseError, NotADataDirectoryError, database_uri
from api.settings import Settings
from documents.common.errors import DomainError
from documents.outbox.backlog import Backlog, backlogs, redeliver_dead
from documents.outbox.messages import Destination

outbox = typer.Typer(help="The outbox to the national systems (docs/integrations.md).")
T = TypeVar("T")


def _run(work: Callable[[Settings], Awaitable[T]]) -> T:
    settings = load_settings()

    async def connected() -> T:
        client = await connect(uri, settings)
        try:
            return await work(settings)
        finally:
            await client.close()

    try:
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            return asyncio.run(connected())
    except (NotADataDirectoryError, UnsafeDeploymentError) as error:
        raise fail(error, 2) from None
    except (EmbeddedDatabaseError, DatabaseStartError) as error:
        raise fail(error) from None


# The destinations each simulated endpoint serves (api/cli/simulated.py).
_SIMULATED = {
    "portal_url": {Destination.PORTAL},
    "payment_url": {Destination.PAYMENT},
    "sms_gateway_url": {Destination.SMS, Destination.ZALO},
}


async def _configured(settings: Settings) -> dict[Destination, str]:
    """For each destination, whether an API process with these settings has an adapter
    for it: "yes", "simulator" (`motcua serve` in development mode starts one), "no"."""
    made = adapters(settings)
    try:
        present = set(made.ports.configured())
    finally:
        await made.aclose()
    standing_in = {d for name in simulated(settings) for d in _SIMULATED.get(name, set())}
    return {
        d: "yes" if d in present else "simulator" if d in standing_in else "no" for d in Destination
    }


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    if whole < 120:
        return f"{whole} s"
    if whole < 7200:
        return f"{whole // 60} min"
    return f"{whole / 3600:.1f} h"


def status_table(figures: list[Backlog], configured: dict[Destination, str]) -> Table:
    table = Table(title="Outbox")
    table.add_column("Destination")
    table.add_column("Configured")
    for heading in ("Pending", "Dead letters", "Delivered", "Oldest pending"):
        table.add_column(heading, justify="right")
    for b in figures:
        table.add_row(
            b.destination.value,
            configured[b.destination],
            str(b.pending),
            str(b.dead),
            str(b.delivered),
            _age(b.oldest_pending_seconds),
        )
    return table


async def _status(settings: Settings) -> tuple[list[Backlog], dict[Destination, str]]:
    return await backlogs(), await _configured(settings)


@outbox.command("status")
def status_command() -> None:
    """Each destination's backlog, dead letters, deliveries and oldest pending message."""
    figures, configured = _run(_status)
    Console(soft_wrap=True).print(status_table(figures, configured))
    dead = sum(b.dead for b in figures)
    if dead:
        typer.echo(f"{dead} dead letters: `motcua outbox redeliver ID` sends one again.")


@outbox.command("redeliver")
def redeliver_command(message_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Send a dead letter again, now, with a fresh retry window."""

    async def again(settings: Settings) -> DomainError | str:
        try:
            message = await redeliver_dead(message_id)
        except DomainError as error:
            return error
        return f"{message.destination.value} message {message.id} is due again."

    done = _run(again)
    if isinstance(done, DomainError):
        raise fail(f"{done.code.value}: {done.message}")
    typer.echo(done)
