"""`motcua` on the command line: serve the API, load demo data, print dev tokens and the SDL."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from types import FrameType

import typer
import uvicorn
from rich.progress import Progress

from api.app import create_app
from api.authentication import ROLES, issue_token
from api.cli.demo_history import seeding_in_background
from api.cli.doctor import doctor
from api.cli.outbox import outbox
from api.cli.plain import console, fail, load_settings
from api.cli.portal import portal
from api.cli.schema_export import schema_cli
from api.cli.simulated import simulated_systems
from api.cli.stats import stats
from api.cli.tokens import TokenRequestError, agency_exists, check_request
from api.database import DatabaseStartError, UnsafeDeploymentError, check_database, connect
from api.embedded import (
    EmbeddedDatabaseError,
    NotADataDirectoryError,
    claim_data_dir,
    database,
    database_uri,
)
from api.observability.logs import logging_config
from api.observability.tracing import TracingUnavailableError
from api.settings import Settings
from demo.catalogue import CITY
from demo.resumable import HistoryProgress, history_progress, plan_history, seed_history
from demo.seeding import is_empty, seed_catalogue
from documents.dossiers.dossier import ApplicantKind
from schema import build_schema

# Locals in a traceback can hold tokens and personal data: never print them.
cli = typer.Typer(
    help="motcua: one-stop public administrative service centre API.",
    pretty_exceptions_show_locals=False,
)
cli.add_typer(stats, name="stats")
cli.add_typer(portal, name="portal")
cli.add_typer(outbox, name="outbox")
cli.add_typer(schema_cli, name="schema")
cli.command()(doctor)

SAMPLE_QUERY = "{ dossiers(first: 5) { edges { node { code status procedure { name } } } } }"
TTL_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


async def _plan(uri: str, settings: Settings, dossiers: int, only_if_empty: bool) -> bool:
    """The catalogue into an empty database, and the history left to seed: the groups
    with the catalogue, then `dossiers` more (none more if `only_if_empty` and the
    database had its demo already). Whether any history is left to seed."""
    client = await connect(uri, settings)
    try:
        if await is_empty():
            console.print("Loading the Hà Nội demo catalogue…")
            await seed_catalogue()
            await plan_history(groups=True, dossiers=dossiers)
        elif not only_if_empty:
            await plan_history(groups=False, dossiers=dossiers)
        progress = await history_progress()
        return progress is not None and not progress.finished
    finally:
        await client.close()


async def _seed(uri: str, settings: Settings, dossiers: int) -> None:
    if not await _plan(uri, settings, dossiers, only_if_empty=False):
        return
    client = await connect(uri, settings)
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Generating the demo history", total=None)

            def advance(progress: HistoryProgress) -> None:
                total = progress.groups_total + progress.dossiers_total
                done = progress.groups_done + progress.dossiers_done
                bar.update(task, total=total, completed=done)

            progress = await seed_history(settings.office_hours, on_each=advance)
        if progress is not None:
            console.print(
                f"The demo has {progress.groups_done} interconnected groups (liên thông)"
                f" and {progress.dossiers_done} generated dossiers."
            )
    finally:
        await client.close()


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"motcua {version('motcua')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            typer.echo("motcua (not installed)")
        raise typer.Exit()


@cli.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """motcua: one-stop public administrative service centre API."""


def _claim(settings: Settings, init: bool) -> None:
    """The data directory is used for the embedded database and development secrets."""
    if settings.embedded or settings.development:
        claim_data_dir(settings.data_dir, init=init)


def _banner(settings: Settings) -> list[str]:
    """What `serve` prints at start; in development mode, with a demo officer's token
    so that the sample query shows dossiers (anonymous users see none)."""
    url = f"http://{settings.host}:{settings.port}/graphql"
    lines = [f"motcua is serving GraphQL at {url}"]
    if not settings.development:
        return lines
    lines.append("Open it in a browser for GraphiQL.")
    if settings.jwks_url is None:
        token = issue_token(settings, "officer:reception", sub="dev-officer-reception", agency=CITY)
        header = json.dumps({"Authorization": f"Bearer {token}"})
        lines += [
            "Dossiers are shown only to someone who may see them: paste this into",
            "GraphiQL's Headers tab (a demo reception officer of the city, valid 8 h):",
            f"  {header}",
        ]
    lines += ["Then try:", f"  {SAMPLE_QUERY}"]
    return lines


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@cli.command()
def serve(
    seed_if_empty: bool = typer.Option(False, help="Load demo data into an empty database."),
    host: str | None = typer.Option(None, help="Address to listen on [MOTCUA_HOST]."),
    port: int | None = typer.Option(
        None, min=0, max=65535, help="Port to listen on [MOTCUA_PORT]."
    ),
    init: bool = typer.Option(
        False, "--init", help="Use MOTCUA_DATA_DIR even if it is not empty and not motcua's yet."
    ),
) -> None:
    """Start the API (and the embedded database unless a MongoDB URI is configured)."""
    settings = load_settings()
    listen = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=listen)
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit
    # lets the embedded database stop too instead of being orphaned.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        _claim(settings, init)
        sync = settings.embedded_sync_on_commit
        with (
            database(
                settings.mongodb_uri, settings.db_path, init=init, sync_on_commit=sync
            ) as started,
            simulated_systems(settings) as settings,
        ):
            uri = started.uri
            # Keep the mode the configuration implied before we filled in the URI, and
            # what it says of the database's syncing (the embedded one's, as started).
            running = settings.model_copy(
                update={
                    "mongodb_uri": uri,
                    "dev_mode": settings.development,
                    "secantus_sync_on_commit": settings.syncs_on_commit,
                }
            )
            # One line, not a traceback, for a database that could lose acknowledged writes.
            asyncio.run(check_database(uri, running))
            # The catalogue now; the history once the API answers (docs/demo.md).
            history = seed_if_empty and asyncio.run(
                _plan(uri, settings, settings.demo_dossiers, only_if_empty=True)
            )
            for line in _banner(running):
                typer.echo(line, err=True)
            app = create_app(running, embedded=started.embedded)
            # Events are small and every subscriber's copy would be compressed on its
            # own: per-message deflate cost more CPU than it saved (docs/benchmarks.md).
            uvicorn.run(
                seeding_in_background(app, settings.office_hours) if history else app,
                host=settings.host,
                port=settings.port,
                ws_per_message_deflate=False,
                # JSON lines (or text), the access log included, each with its request id.
                log_config=logging_config(running),
                # uvicorn would believe X-Forwarded-For from any loopback peer; the app
                # reads it only from MOTCUA_TRUSTED_PROXIES (api/middleware/proxies.py).
                proxy_headers=False,
                # After SIGTERM; the rest of the stop is bounded too (api/stopping.py).
                timeout_graceful_shutdown=settings.shutdown_grace_seconds,
            )
    except (NotADataDirectoryError, TracingUnavailableError, UnsafeDeploymentError) as error:
        raise fail(error, 2) from None
    except (EmbeddedDatabaseError, DatabaseStartError) as error:
        raise fail(error) from None


@cli.command()
def seed(
    dossiers: int = typer.Option(0, min=0, help="How many demo dossiers to generate."),
    init: bool = typer.Option(
        False, "--init", help="Use MOTCUA_DATA_DIR even if it is not empty and not motcua's yet."
    ),
) -> None:
    """Load the demo catalogue into an empty database and generate dossiers."""
    settings = load_settings()
    try:
        _claim(settings, init)
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            asyncio.run(_seed(uri, settings, dossiers))
    except (NotADataDirectoryError, UnsafeDeploymentError) as error:
        raise fail(error, 2) from None
    except (EmbeddedDatabaseError, DatabaseStartError) as error:
        raise fail(error) from None


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
    id_number: str | None = typer.Option(
        None, help="Applicants: the 12-digit id number, or with --business the tax code."
    ),
    ttl: str = typer.Option("8h", help="Lifetime: 30m, 8h, 2d…"),
    business: bool = typer.Option(False, help="Applicants: sign in as a business."),
    identity_level: int | None = typer.Option(
        None, help="Applicants: the identity-assurance level (VNeID), 1 or 2."
    ),
) -> None:
    """Print a development bearer token, signed with the data directory's secret."""
    settings = load_settings()
    if not settings.development:
        raise fail("tokens can only be printed in development mode")
    if settings.jwks_url:
        message = "MOTCUA_JWKS_URL is set: the API would not accept a development token"
        raise fail(message)
    lifetime = _ttl(ttl)
    subject = sub or "dev-" + re.sub(r"[:_]", "-", role)
    try:
        check_request(
            ROLES, role, agency, id_number, business=business, identity_level=identity_level
        )
        _claim(settings, init=False)
        if agency is not None and not agency_exists(settings, agency):
            raise TokenRequestError(f"unknown agency {agency[:40]!r} in the configured database")
    except (TokenRequestError, NotADataDirectoryError) as error:
        raise fail(error, 2) from None
    except EmbeddedDatabaseError as error:
        raise fail(error) from None
    try:
        printed = issue_token(
            settings,
            role,
            sub=subject,
            agency=agency,
            id_number=id_number,
            ttl=lifetime,
            identity_level=identity_level,
            applicant_kind=ApplicantKind.BUSINESS if business else None,
        )
    except ValueError as error:
        raise fail(error) from None
    typer.echo(printed)


@cli.command()
def sdl() -> None:
    """Print the GraphQL schema (SDL), as committed in schema.graphql."""
    typer.echo(build_schema().as_str())


def main() -> None:
    """The console script: usage errors (click's too) as one plain line, exit code 2."""
    try:
        code = cli(standalone_mode=False)
    except typer.TyperException as error:
        typer.echo(f"motcua: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        typer.echo("motcua: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
