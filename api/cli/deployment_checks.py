"""What `motcua doctor` checks of a deployment besides its query plans: replica set or
sharded, majority writes, journaling, and the indexes the documents declare."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from beanie import Document
from beanie.odm.utils.typing import get_index_attributes
from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from api.database import Client, UnsafeDeploymentError, check_durability
from api.settings import Settings
from documents import DOCUMENT_MODELS

COMMAND_NOT_FOUND = 59
PRODUCTION = "production runs MongoDB 7 or 8 as a replica set (docs/production.md)"


class Status(StrEnum):
    OK = "ok"
    PROBLEM = "problem"
    INFO = "info"  # worth knowing, not wrong


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    detail: str
    remedy: str = ""


def _serious(development: bool) -> Status:
    """What a deployment fault is in development (the embedded server): worth saying."""
    return Status.INFO if development else Status.PROBLEM


def is_secantus(build: Mapping[str, Any]) -> bool:
    return "secantusVersion" in build


def topology(hello: Mapping[str, Any], build: Mapping[str, Any], development: bool) -> Finding:
    """Replica set or sharded: transactions, change streams and majority need one."""
    server = "SecantusDB" if is_secantus(build) else f"MongoDB {build.get('version')}"
    if hello.get("msg") == "isdbgrid":
        return Finding("deployment", Status.OK, f"{server}, sharded (mongos)")
    if "setName" in hello:
        detail = f"{server}, replica set {hello['setName']!r}"
        if server == "SecantusDB":
            return Finding(
                "deployment", Status.INFO, f"{detail}: the development database", PRODUCTION
            )
        return Finding("deployment", Status.OK, detail)
    return Finding(
        "deployment",
        _serious(development),
        f"{server}, standalone: not a replica set (no transactions, no change streams)",
        "run it as a replica set; a single-node one will do",
    )


async def write_concern(client: Client) -> list[Finding]:
    """The client's own write concern (what motcua's writes use), and the cluster's
    default, which other clients of the database get."""
    mine = client.write_concern.document
    found = [
        Finding("write concern (client)", Status.OK, f"w={mine.get('w')}, j={mine.get('j')}")
        if mine.get("w") == "majority"
        else Finding(
            "write concern (client)",
            Status.PROBLEM,
            f"w={mine.get('w')}",
            "api/database.py (new_client) should ask for w: majority",
        )
    ]
    try:
        default = await client.admin.command("getDefaultRWConcern")
    except OperationFailure as error:
        if error.code != COMMAND_NOT_FOUND:
            raise
        detail = "the server has no getDefaultRWConcern; motcua asks for majority itself"
        return [*found, Finding("write concern (cluster default)", Status.INFO, detail)]
    w = (default.get("defaultWriteConcern") or {}).get("w", "majority (implicit)")
    status = Status.OK if str(w).startswith("majority") else Status.INFO
    remedy = "" if status is Status.OK else "setDefaultRWConcern w: majority, for other clients"
    return [*found, Finding("write concern (cluster default)", status, f"w={w}", remedy)]


async def journaling(client: Client, settings: Settings) -> Finding:
    """The start-up check (api/database.py), without MOTCUA_ALLOW_UNJOURNALED_WRITES."""
    strict = settings.model_copy(update={"allow_unjournaled_writes": False})
    try:
        await check_durability(client, strict)
    except UnsafeDeploymentError as error:
        what = str(error).removeprefix("refusing to start: ").split(", or set ")[0]
        return Finding("journaling", _serious(settings.development), what)
    return Finding("journaling", Status.OK, "acknowledged writes are journaled")


def declared_indexes(model: type[Document]) -> Iterator[IndexModel]:
    """The indexes a model declares, as init_beanie builds them: `Indexed` fields, then
    `Settings.indexes`. Read from the classes: the doctor never builds an index."""
    for name, info in model.model_fields.items():
        attributes = get_index_attributes(info)
        if attributes is not None:
            yield IndexModel([(info.alias or name, attributes[0])], **attributes[1])
    for index in getattr(model.Settings, "indexes", None) or []:
        yield index if isinstance(index, IndexModel) else IndexModel(index)


def _keys(key: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (field, int(way) if isinstance(way, int | float) else way) for field, way in key.items()
    )


async def indexes(
    database: AsyncDatabase[dict[str, Any]],
) -> tuple[list[Finding], dict[str, set[str]]]:
    """A finding per declared index (matched by keys, whatever its name), and the names
    of the indexes each collection has."""
    found: list[Finding] = []
    names: dict[str, set[str]] = {}
    for model in DOCUMENT_MODELS:
        collection = str(model.Settings.name)
        stored = [info async for info in await database[collection].list_indexes()]
        names[collection] = {str(info["name"]) for info in stored}
        present = {_keys(info["key"]): bool(info.get("unique")) for info in stored}
        for index in declared_indexes(model):
            document = index.document
            label = f"index {collection}.{document['name']}"
            unique = bool(document.get("unique"))
            kept = present.get(_keys(document["key"]))
            if kept is None:
                remedy = "start `motcua serve` once (it builds declared indexes) or createIndex"
                found.append(Finding(label, Status.PROBLEM, "missing", remedy))
            elif kept != unique:
                detail = f"present, but unique is {kept} where {unique} is declared"
                found.append(Finding(label, Status.PROBLEM, detail, "drop it and restart"))
            else:
                found.append(Finding(label, Status.OK, "present"))
    return found, names
