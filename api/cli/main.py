"""`motcua` on the command line: serve the API, load demo data, print dev tokens and the SDL."""

from __future__ import annotations

import asyncio
import re
import signal
from datetime import timedelta
from types import FrameType

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress

from api.app import create_app
from api.authentication import ROLES, issue_token
from api.cli.stats import stats
from api.database import connect
from api.embedded import EmbeddedDatabaseError, database_uri
from api.settings import Settings
from demo.seeding import is_empty, seed_catalogue, seed_dossiers
from schema import build_schema

cli = typer.Typer(help="motcua: one-stop public administrative service centre API.")
cli.add_typer(stats, name="stats")
console = Console(stderr=True)

SAMPLE_QUERY = "{ dossiers(first: 5) { edges { node { code status procedure { name } } } } }"
TTL_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


async def _seed(uri: str, settings: Settings, dossiers: int, only_if_empty: bool) -> None:
    client = await connect(uri, settings)
    try:
        if only_if_empty and not await is_empty():
            return
        if await is_empty():
            console.print("Loading the Hà Nội demo catalogue…")
            await seed_catalogue()
        if dossiers:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Generating dossiers", total=dossiers)
                await seed_dossiers(
                    dossiers, settings.office_hours, on_each=lambda: progress.advance(task)
                )
            console.print(f"Generated {dossiers} dossiers.")
    finally:
        await client.close()


def _fail(error: Exception) -> typer.Exit:
    console.print(f"motcua: {error}", style="bold red", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@cli.command()
def serve(
    seed_if_empty: bool = typer.Option(False, help="Load demo data into an empty database."),
) -> None:
    """Start the API (and the embedded database unless a MongoDB URI is configured)."""
    settings = Settings()
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit
    # lets the embedded database stop too instead of being orphaned.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        with database_uri(settings.mongodb_uri, settings.db_path) as uri:
            if seed_if_empty:
                asyncio.run(_seed(uri, settings, settings.demo_dossiers, only_if_empty=True))
            # Keep the mode the configuration implied before we filled in the URI.
            running = settings.model_copy(
                update={"mongodb_uri": uri, "dev_mode": settings.development}
            )
            url = f"http://{settings.host}:{settings.port}/graphql"
            console.print(f"motcua is serving GraphQL at [bold]{url}[/bold]")
            if running.development:
                console.print(f"Open it in a browser for GraphiQL and try:\n  {SAMPLE_QUERY}")
            # Events are small and every subscriber's copy would be compressed on its
            # own: per-message deflate cost more CPU than it saved (docs/benchmarks.md).
            uvicorn.run(
                create_app(running),
                host=settings.host,
                port=settings.port,
                ws_per_message_deflate=False,
            )
    except EmbeddedDatabaseError as error:
        raise _fail(error) from None


@cli.command()
def seed(
    dossiers: int = typer.Option(0, min=0, help="How many demo dossiers to generate."),
) -> None:
    """Load the demo catalogue into an empty database and generate dossiers."""
    settings = Settings()
    try:
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            asyncio.run(_seed(uri, settings, dossiers, only_if_empty=False))
    except EmbeddedDatabaseError as error:
        raise _fail(error) from None


def _ttl(value: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([mhd])", value.strip())
    if match is None or int(match[1]) == 0:
        raise typer.BadParameter("expected a duration such as 30m, 8h or 2d")
    return timedelta(**{TTL_UNITS[match[2]]: int(match[1])})


@cli.command()
def token(
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    agency: str | None = typer.Option(None, help="Agency code (officers, agency admins)."),
    sub: str | None = typer.Option(None, help="Subject; derived from the role by default."),
    id_number: str | None = typer.Option(None, help="Applicants: 12-digit id or tax code."),
    ttl: str = typer.Option("8h", help="Lifetime: 30m, 8h, 2d…"),
) -> None:
    """Print a development bearer token, signed with the data directory's secret."""
    settings = Settings()
    if not settings.development:
        raise _fail(RuntimeError("tokens can only be printed in development mode"))
    if settings.jwks_url:
        message = "MOTCUA_JWKS_URL is set: the API would not accept a development token"
        raise _fail(RuntimeError(message))
    lifetime = _ttl(ttl)
    subject = sub or "dev-" + re.sub(r"[:_]", "-", role)
    try:
        printed = issue_token(
            settings, role, sub=subject, agency=agency, id_number=id_number, ttl=lifetime
        )
    except ValueError as error:
        raise _fail(error) from None
    typer.echo(printed)


@cli.command()
def sdl() -> None:
    """Print the GraphQL schema (SDL), as committed in schema.graphql."""
    typer.echo(build_schema().as_str())


def main() -> None:
    cli()
