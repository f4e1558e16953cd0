"""E-mail notifications to the applicant (docs/integrations.md, "Notifications"),
through the outbox worker and the SMTP adapter to a real SMTP server the tests start
(aiosmtpd on loopback): the occasions, the Vietnamese templates, a mail server that goes
down and comes back, refusals, and no personal data where it must not be."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette

from api.settings import Settings
from api.workers.outbox import OutboxWorker
from documents.catalogue.procedures import FeeKind, FeeSchedule, Procedure
from documents.common.deliveries import DeliveryStatus
from documents.dossiers.dossier import Dossier
from documents.outbox.messages import Destination, OutboxMessage
from tests.catalogue import APPLICANT, PROCEDURE, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.mail_server import MailServer
from tests.schema.workflow.workflow_helpers import (
    ACCEPT,
    APOLOGY,
    HAND_OVER,
    RECORD_RESULT,
    REFUSE,
    REQUEST_PAYMENT,
    REQUEST_SUPPLEMENT,
    STOP,
    SUBMIT,
    SUPPLEMENT,
    act,
)

EMAIL = "an.nguyen@example.vn"
PUBLIC_URL = "https://motcua.hanoi.example"
# The applicant of tests/catalogue.py, with an e-mail and e-mail chosen.
RECEPTION = "officer:reception"  # who asks for a supplement at reception
BY_EMAIL = {**APPLICANT, "email": EMAIL, "notifyBy": ["EMAIL"]}


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
async def notified(
    settings: Settings, mail_server: MailServer
) -> AsyncIterator[tuple[Starlette, GraphQLClient, OutboxWorker]]:
    """An app whose mailer points at the test's SMTP server; quick retries; the worker
    driven by the test."""
    own = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": mail_server.port,
            "smtp_from": "thongbao@motcua.hanoi.example",
            "public_url": PUBLIC_URL,
            "outbox_backoff_seconds": 0.02,
            "outbox_max_backoff_seconds": 0.1,
            # The dossiers live in March 2026 (fixed_time), and so do their messages: a
            # window that reaches today keeps a failed one retried, not dead.
            "outbox_retry_hours": 24 * 365 * 10,
            "integration_timeout_seconds": 2.0,
            "background_services": False,
        }
    )
    async for app, http in running_app(own):
        await load_tiny_catalogue()
        worker = OutboxWorker(own, app.state.adapters.ports)
        yield app, GraphQLClient(http, own), worker


async def drain(worker: OutboxWorker) -> None:
    """Run the worker until no e-mail is pending (bounded)."""
    for _ in range(200):
        await worker.run_once()
        pending = await OutboxMessage.find(
            OutboxMessage.destination == Destination.EMAIL,
            OutboxMessage.status == DeliveryStatus.PENDING,
        ).count()
        if pending == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("e-mails still pending")


async def emails(code: str) -> list[OutboxMessage]:
    return (
        await OutboxMessage.find(
            OutboxMessage.destination == Destination.EMAIL, OutboxMessage.key == code
        )
        .sort("+sequence")
        .to_list()
    )


async def submitted(gql: GraphQLClient, at: str, applicant: dict[str, Any] = BY_EMAIL) -> str:
    payload = await act(gql, at, SUBMIT, input=submission(applicant=applicant))
    assert payload["errors"] == [], payload["errors"]
    code: str = payload["dossier"]["code"]
    return code


async def done(
    gql: GraphQLClient, at: str, mutation: str, role: str | None = None, **variables: Any
) -> None:
    payload = await act(gql, at, mutation, role, **variables)
    assert payload["errors"] == [], payload["errors"]


async def test_an_email_reaches_the_smtp_server_with_its_template_though_the_server_was_down(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker], mail_server: MailServer
) -> None:
    _, gql, worker = notified
    mail_server.stop()  # down when the first attempt runs
    code = await submitted(gql, "2026-03-03 09:00")
    await done(
        gql,
        "2026-03-03 09:05",
        REQUEST_SUPPLEMENT,
        RECEPTION,
        code=code,
        items=[{"item": "Ảnh 4x6", "reason": "Ảnh mờ"}],
    )
    await worker.run_once()
    first, second = await emails(code)
    assert first.status is DeliveryStatus.PENDING  # backs off, and waits for the server
    # Tried (once or more: the test's backoff is short), refused each time.
    assert first.attempts
    assert {a.error for a in first.attempts} == {"SMTPConnectError"}
    assert second.attempts == []  # behind the first, in order
    assert mail_server.inbox.received == []

    mail_server.start()  # back, on the same port
    await drain(worker)
    for _ in range(3):  # nothing more is sent, whatever the worker does
        await worker.run_once()

    received = mail_server.inbox.received
    assert [r.to for r in received] == [[EMAIL], [EMAIL]]  # once each, in order
    receipt, asked = (r.message for r in received)
    assert receipt["Subject"] == f"Đã tiếp nhận hồ sơ {code}"
    assert receipt["From"] == "thongbao@motcua.hanoi.example"
    assert receipt["Message-ID"] == f"<{first.id}@motcua.hanoi.example>"
    body = receipt.get_content()
    assert body.startswith("Kính gửi Nguyễn Văn An,")
    assert f"Hồ sơ {code} (Cấp giấy phép thử) đã được tiếp nhận ngày 03/03/2026." in body
    assert f"Tra cứu tình trạng hồ sơ: {PUBLIC_URL}/tra-cuu?ma={code}" in body
    assert APPLICANT["idNumber"] not in body
    assert asked["Subject"] == f"Yêu cầu bổ sung hồ sơ {code}"
    assert "- Ảnh 4x6: Ảnh mờ" in asked.get_content()
    assert [m.status for m in await emails(code)] == [DeliveryStatus.DELIVERED] * 2


async def test_every_occasion_tells_the_applicant_in_vietnamese(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker], mail_server: MailServer
) -> None:
    _, gql, worker = notified
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(kind=FeeKind.FIXED, amount=50_000)
    await procedure.save()
    # Received; asked at reception; supplemented, accepted; a fee; an apology; a result.
    happy = await submitted(gql, "2026-03-03 09:00")
    await done(gql, "2026-03-03 09:05", REQUEST_SUPPLEMENT, RECEPTION, code=happy, items=[{"item": "Tờ khai", "reason": "Thiếu chữ ký"}])  # fmt: skip
    await done(gql, "2026-03-03 10:00", SUPPLEMENT, code=happy, data={}, note=None)
    await done(gql, "2026-03-03 10:05", ACCEPT, code=happy)
    await done(gql, "2026-03-03 10:10", HAND_OVER, code=happy, toStep="review")
    await done(gql, "2026-03-03 10:15", REQUEST_PAYMENT, code=happy)
    await done(gql, "2026-03-05 09:00", APOLOGY, code=happy, reason="Chờ xác minh", newAppointment="2026-03-10")  # fmt: skip
    await done(gql, "2026-03-09 09:00", RECORD_RESULT, code=happy, decision="APPROVE", note=None)
    # Refused at reception; denied after processing; processing stopped.
    refused = await submitted(gql, "2026-03-03 11:00")
    await done(gql, "2026-03-03 11:05", REFUSE, code=refused, reason="Không thuộc thẩm quyền")
    denied = await submitted(gql, "2026-03-03 11:10")
    await done(gql, "2026-03-03 11:15", ACCEPT, code=denied)
    await done(gql, "2026-03-03 11:20", HAND_OVER, code=denied, toStep="review")
    await done(gql, "2026-03-04 09:00", RECORD_RESULT, code=denied, decision="REJECT", note="Không đủ điều kiện")  # fmt: skip
    stopped = await submitted(gql, "2026-03-03 11:30")
    await done(gql, "2026-03-03 11:35", ACCEPT, code=stopped)
    await done(gql, "2026-03-04 09:05", STOP, code=stopped, reason="Người nộp đề nghị dừng")

    templates = {
        code: [m.payload["template"] for m in await emails(code)]
        for code in (happy, refused, denied, stopped)
    }
    assert templates == {
        happy: [
            "received",
            "supplement_requested",
            "payment_requested",
            "apology_issued",
            "result_ready",
        ],
        refused: ["received", "refused"],
        denied: ["received", "rejected"],
        stopped: ["received", "processing_stopped"],
    }
    await drain(worker)
    said = {
        message["Subject"]: message.get_content()
        for message in (r.message for r in mail_server.inbox.received)
    }
    assert len(said) == 11
    assert "Thiếu chữ ký" in said[f"Yêu cầu bổ sung hồ sơ {happy}"]
    assert "50.000 đồng" in said[f"Thông báo nộp phí, lệ phí hồ sơ {happy}"]
    apology = said[f"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {happy}"]
    assert "10/03/2026" in apology
    assert "Chờ xác minh" in apology
    assert (
        f"Hồ sơ {happy} (Cấp giấy phép thử) đã có kết quả" in said[f"Đã có kết quả hồ sơ {happy}"]
    )
    assert "Không thuộc thẩm quyền" in said[f"Từ chối tiếp nhận hồ sơ {refused}"]
    assert "Không đủ điều kiện" in said[f"Hồ sơ {denied} không được giải quyết"]
    assert "Người nộp đề nghị dừng" in said[f"Dừng giải quyết hồ sơ {stopped}"]
    for body in said.values():
        assert f"{PUBLIC_URL}/tra-cuu?ma=" in body


async def test_an_applicant_who_chose_no_channel_is_told_nothing(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker], mail_server: MailServer
) -> None:
    _, gql, worker = notified
    silent = await submitted(gql, "2026-03-03 09:00", {**APPLICANT, "email": EMAIL})
    await done(gql, "2026-03-03 09:05", REFUSE, code=silent, reason="Sai thủ tục")
    told = await submitted(gql, "2026-03-03 09:10")
    await drain(worker)
    to_applicant = {Destination.EMAIL, Destination.SMS, Destination.ZALO}
    kept = await OutboxMessage.find(OutboxMessage.key == silent).to_list()
    assert [m for m in kept if m.destination in to_applicant] == []
    assert [r.message["Subject"] for r in mail_server.inbox.received] == [
        f"Đã tiếp nhận hồ sơ {told}"
    ]


async def test_no_personal_data_in_the_outbox_or_the_logs(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker],
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _, gql, worker = notified
    code = await submitted(gql, "2026-03-03 09:00")
    mail_server.inbox.refuse = "550 5.1.1 <an.nguyen@example.vn>: mailbox unknown"
    await done(gql, "2026-03-03 09:05", REFUSE, code=code, reason="Sai thủ tục")
    await drain(worker)
    stored = [m async for m in OutboxMessage.get_pymongo_collection().find({})]
    assert {m["payload"]["template"] for m in stored if m["destination"] == "EMAIL"} == {
        "received",
        "refused",
    }
    ours = [
        r.getMessage()
        for r in caplog.records
        if r.name.split(".")[0] in {"api", "documents", "schema", "loaders", "aiosmtplib"}
    ]
    text = json.dumps(stored, default=str, ensure_ascii=False) + "\n".join(ours)
    assert "mail refused: SMTP 550" in text  # the log says what failed
    for personal in (APPLICANT["idNumber"], APPLICANT["fullName"], APPLICANT["phone"], EMAIL):
        assert personal not in text
    assert APPLICANT["address"] not in text


async def test_a_mailbox_the_server_does_not_know_is_a_dead_letter_at_once(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker], mail_server: MailServer
) -> None:
    _, gql, worker = notified
    mail_server.inbox.refuse = "550 5.1.1 mailbox unknown"
    code = await submitted(gql, "2026-03-03 09:00")
    await drain(worker)
    [dead] = await emails(code)
    assert dead.status is DeliveryStatus.DEAD
    assert [a.error for a in dead.attempts] == ["SMTP 550"]
    # A full mailbox for now (452) is retried.
    mail_server.inbox.refuse = "452 4.2.2 mailbox full"
    later = await submitted(gql, "2026-03-03 09:10")
    await worker.run_once()
    [waiting] = await emails(later)
    assert waiting.status is DeliveryStatus.PENDING
    assert waiting.attempts
    assert {a.error for a in waiting.attempts} == {"SMTP 452"}
    mail_server.inbox.refuse = None
    await drain(worker)
    assert [r.message["Subject"] for r in mail_server.inbox.received] == [
        f"Đã tiếp nhận hồ sơ {later}"
    ]


async def test_an_address_removed_since_is_a_dead_letter_with_its_kind(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker], mail_server: MailServer
) -> None:
    _, gql, worker = notified
    code = await submitted(gql, "2026-03-03 09:00")
    await Dossier.get_pymongo_collection().update_one(
        {"code": code}, {"$set": {"applicant.email": None}}
    )
    await drain(worker)
    [dead] = await emails(code)
    assert dead.status is DeliveryStatus.DEAD
    assert [a.error for a in dead.attempts] == ["no address"]
    assert mail_server.inbox.received == []
