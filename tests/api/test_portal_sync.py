"""A dossier's life synced to the shipped portal simulator, a real HTTP server on
loopback, through the outbox worker and the portal adapter (docs/integrations.md,
"Portal"): in order, exactly once, with failures in the middle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from starlette.applications import Starlette
from typer.testing import CliRunner

from api.cli.main import cli
from api.settings import Settings
from api.workers.outbox import OutboxWorker
from documents.catalogue.procedures import FeeKind, FeeSchedule, Procedure
from documents.common.clock import fixed_time
from documents.common.deliveries import DeliveryStatus
from documents.outbox.messages import Destination, OutboxMessage
from documents.outbox.portal_resync import resync
from simulators import portal
from simulators.serving import Running
from tests.catalogue import APPLICANT, PROCEDURE, WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.papers import PDF, attach_result
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    APOLOGY,
    ASSIGN,
    HAND_OVER,
    RECORD_PAYMENT,
    RECORD_RESULT,
    REQUEST_PAYMENT,
    RETURN_RESULT,
    SUBMIT,
    local,
    role_for,
)

SECRET = "portal-test-secret"


@pytest.fixture
def portal_url() -> Iterator[str]:
    with Running(portal.create_app(SECRET), "portal simulator") as url:
        yield url


@pytest.fixture
async def synced(
    settings: Settings, portal_url: str
) -> AsyncIterator[tuple[Starlette, GraphQLClient, OutboxWorker]]:
    """An app whose portal adapter points at the simulator; quick retries; the worker
    driven by the test."""
    own = settings.model_copy(
        update={
            "portal_url": portal_url,
            "portal_secret": SECRET,
            "outbox_backoff_seconds": 0.02,
            "outbox_max_backoff_seconds": 0.1,
            "background_services": False,
        }
    )
    async for app, http in running_app(own):
        await load_tiny_catalogue()
        worker = OutboxWorker(own, app.state.adapters.ports)
        yield app, GraphQLClient(http, own), worker


async def run(
    gql: GraphQLClient, mutation: str, role: str | None = None, **variables: Any
) -> dict[str, Any]:
    """One mutation as the officer who takes it, on the real clock (the signatures the
    simulator checks carry the time)."""
    data = await gql.as_role(role or role_for(mutation)).data(mutation, variables)
    payload: dict[str, Any] = next(iter(data.values()))
    assert payload["errors"] == [], payload["errors"]
    return payload


async def drain(worker: OutboxWorker) -> None:
    """Run the worker until no portal message is pending (bounded)."""
    for _ in range(200):
        await worker.run_once()
        pending = await OutboxMessage.find(
            OutboxMessage.destination == Destination.PORTAL,
            OutboxMessage.status == DeliveryStatus.PENDING,
        ).count()
        if pending == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("portal messages still pending")


async def fault(url: str, **faults: int) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{url}/simulator/faults", json=faults)
        assert response.status_code == 200


async def held(url: str, code: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/dossiers/{code}")
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found


async def messages(code: str) -> list[OutboxMessage]:
    return (
        await OutboxMessage.find(
            OutboxMessage.destination == Destination.PORTAL, OutboxMessage.key == code
        )
        .sort("+sequence")
        .to_list()
    )


async def test_a_dossiers_life_reaches_the_portal_in_order_exactly_once_through_failures(
    synced: tuple[Starlette, GraphQLClient, OutboxWorker], portal_url: str
) -> None:
    _, gql, worker = synced
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(kind=FeeKind.FIXED, amount=50_000)
    await procedure.save()

    submitted = await run(gql, SUBMIT, input=submission(channel="COUNTER"))
    code = submitted["dossier"]["code"]
    await drain(worker)
    await run(gql, REQUEST_PAYMENT, code=code)
    await run(gql, ACCEPT, code=code)
    # The portal is down for the next three updates while the worker runs.
    await fault(portal_url, failNext=3, status=503)
    await drain(worker)
    await run(gql, HAND_OVER, role="officer:reception", code=code, toStep="review", toUser="cv.an")
    await run(gql, RECORD_PAYMENT, code=code, amount=50_000, method="COUNTER", reference="BL-1")
    specialist = gql.as_role("officer:specialist", agency=WARD)
    attached = await attach_result(
        specialist, code, ("kq.pdf", PDF, "application/pdf"), electronic=False
    )
    assert attached["errors"] == []
    # The portal applies the next update but its answer is lost: the worker sends it again.
    await fault(portal_url, loseAnswers=1)
    await drain(worker)
    await run(gql, HAND_OVER, code=code, toStep="approve", toUser="ld.binh")
    await run(gql, RECORD_RESULT, code=code, decision="APPROVE", note=None)
    await run(gql, RETURN_RESULT, code=code)
    await drain(worker)

    sent = await messages(code)
    assert all(m.status is DeliveryStatus.DELIVERED for m in sent)
    assert sum(len(m.attempts) for m in sent) == len(sent) + 4  # 3 refused, 1 answer lost
    portal_view = await held(portal_url, code)
    history = portal_view["history"]
    # Each update once, in the order of the events, every one applied.
    assert [h["key"] for h in history] == [str(m.id) for m in sent]
    assert [h["sequence"] for h in history] == sorted(h["sequence"] for h in history)
    assert all(h["applied"] for h in history)
    assert [h["event"] for h in history] == [
        "RECEIVED", "PAYMENT_REQUESTED", "ACCEPTED", "HANDED_OVER", "PAYMENT_RECORDED",
        # Paid at the counter: the online payment order is void, and the portal told.
        "PAYMENT_CANCELLED", "RESULT_ATTACHED", "HANDED_OVER", "APPROVED", "RESULT_RETURNED",
    ]  # fmt: skip
    assert [h["statusCode"] for h in history] == [1, 6, 6, 6, 4, 4, 4, 4, 9, 10]
    final = portal_view["current"]
    assert final["statusCode"] == 10
    assert (final["dossierCode"], final["procedureCode"], final["channelCode"]) == (
        code,
        PROCEDURE,
        1,
    )
    assert final["agencyCode"] == final["receivingAgencyCode"] == WARD
    assert final["fees"] == {"due": 50_000, "paid": 50_000, "paymentStatus": "PAID"}
    [result] = final["results"]
    assert (result["type"], result["electronic"]) == ("JUDICIAL_RECORD", False)
    # Its code is the one `attachResult` assigned (never made up here).
    assert result["code"] == f"{code}-KQ(1)"
    assert final["receivedAt"].endswith("+07:00")
    assert final["finishedAt"].endswith("+07:00")
    assert final["finishedAt"] >= final["receivedAt"]


async def test_no_personal_data_goes_to_the_outbox_or_the_portal(
    synced: tuple[Starlette, GraphQLClient, OutboxWorker], portal_url: str
) -> None:
    _, gql, worker = synced
    submitted = await run(gql, SUBMIT, input=submission())
    code = submitted["dossier"]["code"]
    await run(gql, ACCEPT, code=code)
    await drain(worker)
    stored = [m async for m in OutboxMessage.get_pymongo_collection().find({})]
    assert len(stored) >= 2
    text = json.dumps(stored, default=str, ensure_ascii=False) + json.dumps(
        await held(portal_url, code), ensure_ascii=False
    )
    for personal in (APPLICANT["idNumber"], APPLICANT["fullName"], APPLICANT["phone"]):
        assert personal not in text
    assert APPLICANT["address"] not in text


async def test_an_update_the_portal_refuses_is_a_dead_letter_at_once_and_the_next_goes_on(
    synced: tuple[Starlette, GraphQLClient, OutboxWorker], portal_url: str
) -> None:
    _, gql, worker = synced
    submitted = await run(gql, SUBMIT, input=submission())
    code = submitted["dossier"]["code"]
    await fault(portal_url, failNext=1, status=422)
    await run(gql, ACCEPT, code=code)
    await drain(worker)
    first, second = await messages(code)
    assert first.status is DeliveryStatus.DEAD
    assert [(a.http_status, a.error) for a in first.attempts] == [(422, "refused")]
    assert second.status is DeliveryStatus.DELIVERED
    history = (await held(portal_url, code))["history"]
    assert [h["event"] for h in history] == ["ACCEPTED"]


async def test_resync_resends_the_period_and_nothing_outside_it(
    synced: tuple[Starlette, GraphQLClient, OutboxWorker], portal_url: str
) -> None:
    _, gql, worker = synced
    with fixed_time(local("2026-03-03 09:00")):
        early = (await run(gql, SUBMIT, input=submission()))["dossier"]["code"]
    with fixed_time(local("2026-03-10 09:00")):
        late = (await run(gql, SUBMIT, input=submission()))["dossier"]["code"]
    await drain(worker)
    march_3 = local("2026-03-03 00:00")

    queued = await resync(march_3, march_3 + timedelta(days=3))
    await drain(worker)

    assert queued == 1
    again = (await held(portal_url, early))["history"]
    assert [(h["event"], h["applied"]) for h in again] == [("RECEIVED", True), ("RESYNC", True)]
    assert again[0]["sequence"] == again[1]["sequence"]
    assert again[0]["key"] != again[1]["key"]
    assert [h["event"] for h in (await held(portal_url, late))["history"]] == ["RECEIVED"]


async def test_motcua_portal_resync_queues_the_period_from_the_command_line(
    synced: tuple[Starlette, GraphQLClient, OutboxWorker],
    settings: Settings,
    janitor: AsyncMongoClient[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, gql, worker = synced
    with fixed_time(local("2026-03-03 09:00")):
        early = (await run(gql, SUBMIT, input=submission()))["dossier"]["code"]
    with fixed_time(local("2026-03-10 09:00")):
        await run(gql, SUBMIT, input=submission())
    await drain(worker)
    assert settings.mongodb_uri is not None
    monkeypatch.setenv("MOTCUA_MONGODB_URI", settings.mongodb_uri)
    monkeypatch.setenv("MOTCUA_DATABASE", settings.database)
    runner = CliRunner()

    done = await asyncio.to_thread(
        runner.invoke, cli, ["portal", "resync", "--from", "2026-03-01", "--to", "2026-03-05"]
    )
    wrong = await asyncio.to_thread(runner.invoke, cli, ["portal", "resync", "--from", "3/1"])

    assert done.exit_code == 0, done.output
    assert "Queued 1 status updates" in done.output
    assert wrong.exit_code == 2
    outbox = janitor[settings.database]["outbox"]
    fresh = [m async for m in outbox.find({"status": "PENDING"})]
    assert [(m["key"], m["payload"]["event"]) for m in fresh] == [(early, "RESYNC")]


async def test_what_the_portal_hears_of_an_assignment_nothing_of_an_apology_the_new_date(
    gql: GraphQLClient, tiny_catalogue: None
) -> None:
    with fixed_time(local("2026-03-03 09:00")):
        code = (await run(gql, SUBMIT, input=submission()))["dossier"]["code"]
        await run(gql, ACCEPT, code=code)
        await run(gql, ASSIGN, code=code, user="cv.an")
    with fixed_time(local("2026-03-05 09:00")):
        await run(gql, APOLOGY, code=code, reason="Chờ xác minh", newAppointment="2026-03-10")

    sent = await messages(code)
    assert [m.payload["event"] for m in sent] == ["RECEIVED", "ACCEPTED", "APOLOGY_ISSUED"]
    assert [m.sequence for m in sent] == sorted(m.sequence for m in sent)
    assert sent[0].payload["appointment_at"] == "2026-03-06T17:00:00+07:00"
    assert sent[-1].payload["appointment_at"] == "2026-03-10T17:00:00+07:00"
    assert sent[-1].payload["due_at"] == "2026-03-06T17:00:00+07:00"
    assert [m.payload["status_code"] for m in sent] == [1, 2, 2]
