"""`motcua stats rebuild|verify`: recompute the statistics roll-ups from the dossiers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from api.cli.plain import fail, load_settings
from api.database import DatabaseStartError, UnsafeDeploymentError, connect
from api.embedded import EmbeddedDatabaseError, NotADataDirectoryError, database_uri
from documents.calendar.working_calendar import OfficeHours
from documents.groups.rebuild import rebuild_groups, verify_groups
from documents.statistics.rebuild import rebuild, verify

stats = typer.Typer(help="Statistics roll-ups (docs/scoreboard.md).")
T = TypeVar("T")


def _run(work: Callable[[OfficeHours], Awaitable[T]]) -> T:
    settings = load_settings()

    async def connected() -> T:
        client = await connect(uri, settings)
        try:
            return await work(settings.office_hours)
        finally:
            await client.close()

    try:
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            return asyncio.run(connected())
    except (NotADataDirectoryError, UnsafeDeploymentError) as error:
        raise fail(error, 2) from None
    except (EmbeddedDatabaseError, DatabaseStartError) as error:
        raise fail(error) from None


async def _rebuild_all(hours: OfficeHours) -> int:
    """The dossiers' roll-ups, then the groups' (docs/scoreboard.md, "Groups")."""
    return await rebuild(hours) + await rebuild_groups(hours)


async def _verify_all(hours: OfficeHours) -> list[str]:
    return await verify(hours) + await verify_groups(hours)


@stats.command("rebuild")
def rebuild_command() -> None:
    """Recompute every roll-up from the dossiers, ratings and feedback."""
    started = time.perf_counter()
    rows = _run(_rebuild_all)
    typer.echo(f"Rebuilt {rows} daily roll-ups in {time.perf_counter() - started:.1f} s.")


@stats.command("verify")
def verify_command() -> None:
    """Compare the roll-ups with a recomputation; exit 1 listing any difference."""
    lines = _run(_verify_all)
    for line in lines:
        typer.echo(line)
    if lines:
        typer.echo(f"{len(lines)} differences; `motcua stats rebuild` recomputes them.", err=True)
        raise typer.Exit(code=1)
    typer.echo("The roll-ups agree with the dossiers.")
