"""Submitting with an idempotency key after a crash: a stuck key answers IN_PROGRESS with a
retry-after hint and completes once its lease ends; the key's DONE state commits with the
dossier; and a code once stored is never handed out again, even by a counter set back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent
from pymongo.monitoring import CommandSucceededEvent as Succeeded

from api.settings import Settings
from documents.access.idempotency import IdempotencyRecord, RecordState
from documents.common.counters import Counter
from documents.dossiers.dossier import Dossier
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app

SUBMIT = """
mutation($input: SubmitDossierInput!, $key: String) {
  submitDossier(input: $input, idempotencyKey: $key) {
    dossier { code }
    errors { code field message retryAfterSeconds }
  }
}
"""


async def _submit(gql: GraphQLClient, key: str | None = None) -> dict[str, Any]:
    body = await gql.data(SUBMIT, {"input": submission(), "key": key})
    payload: dict[str, Any] = body["submitDossier"]
    return payload


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_key_stuck_by_a_crash_is_in_progress_at_once_then_completes_after_its_lease(
    gql: GraphQLClient,
) -> None:
    first = await _submit(gql, "stuck")
    # What a process killed before its commit leaves: nothing stored, the key claimed.
    await Dossier.get_pymongo_collection().delete_many({})
    lease_until = datetime.now(UTC) + timedelta(seconds=2)
    await IdempotencyRecord.get_pymongo_collection().update_one(
        {},
        {
            "$set": {
                "state": "PENDING",
                "result_code": None,
                "owner": "a-killed-process",
                "lease_until": lease_until,
            }
        },
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    waiting = await _submit(gql, "stuck")
    assert loop.time() - started < 1.8  # at once (a retry waits at most 1 s)
    assert waiting["dossier"] is None
    [error] = waiting["errors"]
    assert (error["code"], error["field"]) == ("IN_PROGRESS", "idempotencyKey")
    assert error["retryAfterSeconds"] in {1, 2}
    assert f"{error['retryAfterSeconds']} s" in error["message"]

    await asyncio.sleep((lease_until - datetime.now(UTC)).total_seconds() + 0.05)
    retried = await _submit(gql, "stuck")
    assert retried["errors"] == []
    code = retried["dossier"]["code"]
    assert code != first["dossier"]["code"]  # the first never committed; its number is gone
    record = await IdempotencyRecord.find_one()
    assert record is not None
    assert (record.state, record.result_code) == (RecordState.DONE, code)
    assert await _submit(gql, "stuck") == retried
    assert await Dossier.count() == 1


class CommitSnapshots(CommandListener):
    """Reads, right after each commit, what a crash at that moment would leave: the
    stored dossier codes and the idempotency keys' states by result."""

    def __init__(self, uri: str, database: str) -> None:
        self.client: MongoClient[dict[str, Any]] = MongoClient(uri)
        self.database = database
        self.seen: list[tuple[set[str], dict[str | None, str]]] = []

    def started(self, event: CommandStartedEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def succeeded(self, event: Succeeded) -> None:
        if event.command_name != "commitTransaction":
            return
        database = self.client[self.database]
        codes = {d["code"] for d in database["dossiers"].find()}
        keys = {k.get("result_code"): k["state"] for k in database["idempotency_keys"].find()}
        self.seen.append((codes, keys))


async def test_a_keys_done_state_commits_with_its_dossier(settings: Settings) -> None:
    assert settings.mongodb_uri is not None
    snapshots = CommitSnapshots(settings.mongodb_uri, settings.database)
    try:
        async for _, http in running_app(settings, [snapshots]):
            await load_tiny_catalogue()
            gql = GraphQLClient(http, settings).as_role("officer:reception")
            code = (await _submit(gql, "k-1"))["dossier"]["code"]
    finally:
        snapshots.client.close()
    committed = [(codes, keys) for codes, keys in snapshots.seen if code in codes]
    assert committed, "the submission's commit was seen"
    # From the very commit that stored the dossier, its key is DONE with its code: a
    # crash at any moment leaves no stored dossier behind a PENDING key.
    assert committed[0][1] == {code: "DONE"}


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_counter_set_back_never_hands_out_a_stored_code(gql: GraphQLClient) -> None:
    codes = [(await _submit(gql))["dossier"]["code"] for _ in range(3)]
    day = codes[0].split("-")[1]
    # As after restoring an older copy of the counters: the counter is behind the codes.
    await Counter.get_pymongo_collection().update_one(
        {"_id": f"dossier:{WARD}:{day}"}, {"$set": {"seq": 1}}
    )
    fourth = await _submit(gql)
    assert fourth["errors"] == []
    assert fourth["dossier"]["code"] == f"{WARD}-{day}-0004"
    assert len({*codes, fourth["dossier"]["code"]}) == 4
    assert await Dossier.count() == 4
