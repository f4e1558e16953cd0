"""`motcua doctor`: whether the configured MongoDB is fit for production: replica set or
sharded, majority writes, journaling, the declared indexes, and an index scan for every
query shape the API sends (docs/production.md, "Checking a deployment: motcua doctor").
It only reads: it never builds an index or writes a document."""

from __future__ import annotations

import asyncio

import pymongo
import typer
from pymongo.errors import PyMongoError
from rich.console import Console
from rich.table import Table

from api.cli.deployment_checks import (
    Finding,
    Status,
    indexes,
    is_secantus,
    journaling,
    topology,
    write_concern,
)
from api.cli.plain import fail, load_settings
from api.cli.query_plans import Server, explain
from api.database import Client, database_seconds, new_client
from api.embedded import EmbeddedDatabaseError, NotADataDirectoryError, database_uri
from api.settings import Settings
from documents.query_shapes import query_shapes

STYLE = {Status.OK: "green", Status.PROBLEM: "bold red", Status.INFO: "yellow"}


async def examine(client: Client, settings: Settings) -> list[Finding]:
    """Every check, in the order the table shows them."""
    admin = client.admin
    hello = await admin.command("hello")
    build = await admin.command("buildInfo")
    database = client[settings.database]
    findings = [topology(hello, build, settings.development)]
    findings += await write_concern(client)
    findings.append(await journaling(client, settings))
    index_findings, names = await indexes(database)
    findings += index_findings
    server = Server(secantus=is_secantus(build), indexes=names)
    for shape in query_shapes():
        findings.append(await explain(database, shape, server))
    return findings


def report(findings: list[Finding], everything: bool) -> Table:
    """The table: what is wrong or worth knowing, and with `everything` what passed."""
    table = Table(title="motcua doctor")
    for heading in ("Check", "Status", "Detail", "Remedy"):
        table.add_column(heading)
    for f in findings:
        if everything or f.status is not Status.OK:
            status = f"[{STYLE[f.status]}]{f.status.value}[/]"
            table.add_row(f.check, status, f.detail, f.remedy)
    return table


async def _diagnose(uri: str, settings: Settings) -> list[Finding]:
    client = new_client(uri, settings)
    try:
        # Some forty explains: more than one request's time, bounded all the same.
        with pymongo.timeout(max(database_seconds(settings), 30.0)):
            return await examine(client, settings)
    finally:
        await client.close()


def doctor(
    everything: bool = typer.Option(False, "--all", help="Show the checks that passed too."),
) -> None:
    """Check the configured MongoDB for production; exit code 1 if anything is wrong."""
    settings = load_settings()
    try:
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            findings = asyncio.run(_diagnose(uri, settings))
    except NotADataDirectoryError as error:
        raise fail(error, 2) from None
    except EmbeddedDatabaseError as error:
        raise fail(error) from None
    except PyMongoError as error:  # its text can hold the URI's credentials
        raise fail(f"the database did not answer ({type(error).__name__})") from None
    Console(soft_wrap=True).print(report(findings, everything))
    problems = sum(f.status is Status.PROBLEM for f in findings)
    checked = f"{len(findings)} checks"
    if problems:
        typer.echo(f"{problems} problems in {checked}.")
        raise typer.Exit(1)
    typer.echo(f"No problems in {checked}.")
