"""`motcua portal resync --from DATE [--to DATE]`: re-send the national portal the
current status of every dossier changed in a period (docs/integrations.md, "Portal")."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import typer

from api.cli.plain import fail, load_settings
from api.database import DatabaseStartError, UnsafeDeploymentError, connect
from api.embedded import EmbeddedDatabaseError, NotADataDirectoryError, database_uri
from documents.common.clock import local_moment, local_today
from documents.outbox.portal_resync import resync

portal = typer.Typer(help="The national public service portal (docs/integrations.md).")


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: expected a date such as 2026-03-01", 2) from None


@portal.command("resync")
def resync_command(
    start: str = typer.Option(..., "--from", help="First local day (YYYY-MM-DD), included."),
    end: str | None = typer.Option(None, "--to", help="Last local day, included; default today."),
) -> None:
    """Queue a fresh status update for every dossier with an event in the period."""
    first = _day(start, "--from")
    last = _day(end, "--to") if end is not None else local_today()
    if last < first:
        raise fail("--to is before --from", 2)
    since: datetime = local_moment(first, time(0))
    until: datetime = local_moment(last + timedelta(days=1), time(0))
    settings = load_settings()

    async def connected(uri: str) -> int:
        client = await connect(uri, settings)
        try:
            return await resync(since, until)
        finally:
            await client.close()

    try:
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            queued = asyncio.run(connected(uri))
    except (NotADataDirectoryError, UnsafeDeploymentError) as error:
        raise fail(error, 2) from None
    except (EmbeddedDatabaseError, DatabaseStartError) as error:
        raise fail(error) from None
    typer.echo(f"Queued {queued} status updates for the portal ({first} to {last}).")
