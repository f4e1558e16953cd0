"""Connecting the process to MongoDB: a client whose acknowledged writes are journaled on
a majority, the refusal of a deployment that could still lose them, and Beanie's models
(docs/durability.md)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pymongo
from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure, PyMongoError
from pymongo.monitoring import CommandListener

from api.settings import Settings
from documents import DOCUMENT_MODELS
from documents.access.subtrees import AGENCY_WRITES
from documents.dossiers.events import number_old_events
from documents.papers.grid_files import ensure_file_indexes
from documents.papers.repository import give_tokens

logger = logging.getLogger("motcua.database")

Client = AsyncMongoClient[dict[str, Any]]

UNAUTHORIZED = 13  # the server's code for a command the user may not run
ALLOW = "MOTCUA_ALLOW_UNJOURNALED_WRITES=true"


class DatabaseStartError(RuntimeError):
    """The API cannot start on the configured database; the message is one readable line."""


class UnsafeDeploymentError(DatabaseStartError):
    """The deployment could lose writes it has acknowledged."""


class DatabaseUnreachableError(DatabaseStartError):
    """The database did not answer the start-up check."""


def database_seconds(settings: Settings) -> float:
    """How long one request's database operations may take together: a little less than
    the operation limit, so that a database that hangs is answered UNAVAILABLE (the
    driver gives up) rather than TIMEOUT (the limit cancels the request)."""
    limit = settings.operation_timeout_seconds
    return limit - min(1.0, limit / 5)


def new_client(uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()) -> Client:
    """A client whose every write, transactions' commits included, is acknowledged only
    once a majority has journaled it (keyword options win over the URI's)."""
    options: dict[str, Any] = {"w": "majority", "journal": True}
    if "serverselectiontimeoutms" not in uri.lower():  # e.g. the tests' short one
        options["serverSelectionTimeoutMS"] = int(database_seconds(settings) * 1000)
    # AGENCY_WRITES: officers' cached subtrees see this process's writes to agencies.
    watched = [*listeners, AGENCY_WRITES]
    return AsyncMongoClient(uri, tz_aware=True, event_listeners=watched, **options)


@dataclass(frozen=True)
class Problem:
    """Why acknowledged writes could be lost, and what the operator can do about it."""

    what: str
    remedy: str


async def _command(admin: AsyncDatabase[dict[str, Any]], name: str) -> Mapping[str, Any] | None:
    """The command's answer; None when the user may not run it."""
    try:
        answer: Mapping[str, Any] = await admin.command(name)
    except OperationFailure as error:
        if error.code == UNAUTHORIZED:
            return None
        raise
    return answer


def _in_memory(status: Mapping[str, Any]) -> str | None:
    engine = status.get("storageEngine") or {}
    return str(engine.get("name", "?")) if engine.get("persistent") is False else None


async def _secantus_problem(
    admin: AsyncDatabase[dict[str, Any]], hello: Mapping[str, Any], settings: Settings
) -> Problem | None:
    if "setName" not in hello:
        return Problem(
            "the SecantusDB runs with --standalone (no transactions)", "start it without it"
        )
    status = await _command(admin, "serverStatus")
    if status is not None and _in_memory(status):
        return Problem("the SecantusDB keeps its data in memory", "give it a --storage-path")
    if not settings.syncs_on_commit:
        return Problem(
            "the database is SecantusDB, whose transactions reach the disk at commit only "
            "with --sync-on-commit, and that cannot be checked over the wire",
            "start it with --sync-on-commit and set MOTCUA_SECANTUS_SYNC_ON_COMMIT=true "
            "(the embedded one: MOTCUA_EMBEDDED_SYNC_ON_COMMIT=true)",
        )
    return None


async def _mongodb_problem(
    admin: AsyncDatabase[dict[str, Any]], hello: Mapping[str, Any]
) -> Problem | None:
    if hello.get("msg") == "isdbgrid":
        return None  # mongos: each shard is a replica set of its own (docs/durability.md)
    if "setName" not in hello:
        return Problem(
            "the database is a standalone server (no transactions, no majority)",
            "run it as a replica set; a single-node one will do",
        )
    status = await _command(admin, "serverStatus")
    config = await _command(admin, "replSetGetConfig")
    if status is None or config is None:
        return Problem(
            "the database user may not run serverStatus and replSetGetConfig, so journaling "
            "cannot be checked",
            "grant it the clusterMonitor role",
        )
    engine = _in_memory(status)
    if engine is not None:
        return Problem(
            f"the storage engine ({engine}) keeps writes in memory only",
            "use a persistent one (WiredTiger)",
        )
    if config.get("config", {}).get("writeConcernMajorityJournalDefault") is False:
        return Problem(
            "the replica set acknowledges majority writes before they are journaled "
            "(writeConcernMajorityJournalDefault: false)",
            "set it to true with replSetReconfig",
        )
    return None


async def check_durability(client: Client, settings: Settings) -> None:
    """Raises UnsafeDeploymentError when the deployment could lose an acknowledged write,
    unless MOTCUA_ALLOW_UNJOURNALED_WRITES allows it (then logs a warning)."""
    admin = client.admin
    hello = await admin.command("hello")
    build = await admin.command("buildInfo")
    if "secantusVersion" in build:
        problem = await _secantus_problem(admin, hello, settings)
    else:
        problem = await _mongodb_problem(admin, hello)
    if problem is None:
        return
    if settings.allow_unjournaled_writes:
        logger.warning("starting although %s (MOTCUA_ALLOW_UNJOURNALED_WRITES)", problem.what)
        return
    raise UnsafeDeploymentError(
        f"refusing to start: {problem.what}; {problem.remedy}, or set {ALLOW} to start anyway"
    )


def _describe(error: PyMongoError) -> str:
    """The error's kind, never its text (it can hold the URI's credentials)."""
    if isinstance(error, OperationFailure):
        return f"{type(error).__name__} {error.code}"
    return type(error).__name__


async def checked_client(
    uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()
) -> Client:
    """A new client, once the deployment has passed `check_durability` (in the time one
    request would have): DatabaseStartError otherwise."""
    client = new_client(uri, settings, listeners)
    try:
        with pymongo.timeout(database_seconds(settings)):
            await check_durability(client, settings)
    except PyMongoError as error:
        await client.close()
        raise DatabaseUnreachableError(
            f"the database did not answer the start-up check ({_describe(error)})"
        ) from None
    except BaseException:
        await client.close()
        raise
    return client


async def check_database(uri: str, settings: Settings) -> None:
    """`motcua serve`'s check before it starts serving: DatabaseStartError, one line."""
    client = await checked_client(uri, settings)
    await client.close()


async def connect(
    uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()
) -> Client:
    """A checked client, with Beanie's models bound to it and their indexes built."""
    client = await checked_client(uri, settings, listeners)
    try:
        await init_beanie(database=client[settings.database], document_models=DOCUMENT_MODELS)
        await number_old_events()
        await ensure_file_indexes()
        await give_tokens()  # repository items filed before they had random names
    except BaseException:
        await client.close()
        raise
    return client
