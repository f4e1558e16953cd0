"""Documents this version cannot read, written straight into the database while clients
submit: an event of an unknown type and a malformed dossier stop nothing else."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from api.authentication import issue_token
from tests.faults.harness import Figures, Result, eventually, officer, receiver
from tests.faults.live import Watcher, payload_fields, probe, scenario_api, subscription, watching
from tests.faults.load import Bases, Load, submitters
from tests.realtime import bearer

REGISTER = """
mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) { webhook { webhookId } errors { code message } }
}
"""
PAGE = "{ dossiers(first: 20) { edges { node { code status } } } }"
ONE = "query($code: String!) { dossier(code: $code) { code events { type } } }"
UNKNOWN_TYPE = "SIGNED_BY_VNEID"
MALFORMED = "MALFORMED-0001"
WEBHOOKS_FAST = {
    "allow_private_webhook_targets": "true",
    "webhook_poll_seconds": "0.2",
    "webhook_backoff_seconds": "0.2",
    "webhook_dispatch_lag_seconds": "1",
}


@dataclass
class Unknown(Result):
    acked_after: int = 0
    missed_live: list[str] = field(default_factory=list)
    missed_webhook: list[str] = field(default_factory=list)
    live_failures: list[str] = field(default_factory=list)
    page: list[str] = field(default_factory=list)  # what is wrong with the list page
    page_item_errors: int = 0
    dossier: list[str] = field(default_factory=list)  # reading the unknown event's dossier
    seconds: float = 0.0

    def figures(self) -> Figures:
        return {
            "acknowledged after the bad documents": self.acked_after,
            "missed by the subscriber": len(self.missed_live),
            "missed by the webhook": len(self.missed_webhook),
            "typed per-item errors on the page": self.page_item_errors,
            "seconds": self.seconds,
        }

    def problems(self) -> list[str]:
        found = {
            "events the subscriber never got": self.missed_live,
            "events the webhook receiver never got": self.missed_webhook,
            "errors or complete to the subscriber": self.live_failures,
            "list page": self.page,
            "the dossier with an unknown event": self.dossier,
        }
        return [f"{what}: {v[:5]} ({len(v)})" for what, v in found.items() if v]


async def write_unreadable(database: AsyncDatabase[dict[str, Any]], victim: str) -> None:
    """What a newer version (or damage) could leave: an event of a type this version does
    not know on `victim`, and a malformed dossier, newest of all, with its event."""
    now = datetime.now(UTC)
    events = database.dossier_events
    await events.insert_one(
        {"_id": ObjectId(), "dossier_code": victim, "type": UNKNOWN_TYPE, "at": now,
         "payload": {}, "agency_code": None}
    )  # fmt: skip
    model = await database.dossiers.find_one({"code": victim})
    assert model is not None
    model.update(
        _id=ObjectId(),
        code=MALFORMED,
        applicant="not an applicant",
        status="ARCHIVED_BY_A_NEWER_VERSION",
        received_at=now + timedelta(days=1),
    )
    await database.dossiers.insert_one(model)
    await events.insert_one(
        {"_id": ObjectId(), "dossier_code": MALFORMED, "type": "RECEIVED", "at": now,
         "to_status": "RECEIVED", "payload": {}}
    )  # fmt: skip


async def unknown_documents(uri: str, workdir: Path, writers: int = 3) -> Unknown:
    """Subscriber, webhook and list page keep working after the bad documents."""
    result, started = Unknown(), time.monotonic()
    with receiver() as hook:
        async with (
            scenario_api(uri, workdir, **WEBHOOKS_FAST) as (settings, process),
            httpx.AsyncClient(base_url=process.base) as http,
        ):
            admin = bearer(issue_token(settings, "system_admin", sub="faults-admin"))
            answer = await http.post(
                "/graphql",
                json={"query": REGISTER, "variables": {"input": {"url": hook.url}}},
                headers=admin,
            )
            assert answer.json()["data"]["registerWebhook"]["errors"] == [], answer.text
            token = officer(settings, "watcher")
            watcher, fields = Watcher(), payload_fields()
            clients = submitters(settings, Bases([process.base]), http, writers, writers)
            database: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
            try:
                async with watching(process, token, subscription(fields), watcher):
                    probed = await probe(clients[0], watcher)
                    async with Load(clients) as load:
                        await load.until_acked(5, started, 30.0)
                        await write_unreadable(database[settings.database], probed)
                        written = time.monotonic()
                        await load.until_acked(10, written, 30.0)
                        await load.stop(settle=15.0)
                    acked = {a.code for a in load.acks()} - {probed}
                    after = {a.code for a in load.acks() if a.acked_at > written}

                    def everywhere() -> bool:
                        return acked <= watcher.codes() and acked <= set(hook.codes)

                    await eventually(everywhere, within=15.0)
                result.acked_after = len(after)
                result.missed_live = sorted(acked - watcher.codes())
                result.missed_webhook = sorted(acked - set(hook.codes))
                result.live_failures = watcher.failures
                newest = database[settings.database].dossiers.find(
                    {"code": {"$ne": MALFORMED}}, {"code": 1}, sort=[("received_at", -1)]
                )
                wanted = [doc["code"] async for doc in newest.limit(19)]
            finally:
                await database.close()
            officer_headers = bearer(token)
            await _check_page(http, officer_headers, wanted, result)
            await _check_dossier(http, officer_headers, probed, result)
    result.seconds = time.monotonic() - started
    return result


def _untyped(body: dict[str, Any]) -> list[str]:
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    return [f"top-level error {code}" for code in codes if code in (None, "INTERNAL_ERROR")]


async def _check_page(
    http: httpx.AsyncClient, headers: dict[str, Any], wanted: list[str], result: Unknown
) -> None:
    """The page answers: the well-formed newest dossiers, the malformed one left out or
    null with a typed error, never INTERNAL_ERROR for the whole page."""
    body = (await http.post("/graphql", json={"query": PAGE}, headers=headers)).json()
    result.page += _untyped(body)
    result.page_item_errors = len(body.get("errors") or [])
    page = (body.get("data") or {}).get("dossiers")
    if page is None:
        result.page.append("no page at all")
        return
    codes = {edge["node"]["code"] for edge in page["edges"] if edge and edge.get("node")}
    result.page += [f"missing {code}" for code in wanted if code not in codes]


async def _check_dossier(
    http: httpx.AsyncClient, headers: dict[str, Any], code: str, result: Unknown
) -> None:
    variables = {"code": code}
    body = (
        await http.post("/graphql", json={"query": ONE, "variables": variables}, headers=headers)
    ).json()
    result.dossier += _untyped(body)
    if ((body.get("data") or {}).get("dossier") or {}).get("code") != code:
        result.dossier.append(f"not readable: {str(body)[:200]}")
