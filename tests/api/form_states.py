"""Dossiers brought through the workflow into the state each printable form is about.

Submitted and acted on through the domain, as the API's mutations do, at fixed moments:
received on Monday 10 March 2025, 09:30 in Hà Nội, so the appointment is Thursday
13 March 2025 at 17:00 (the tiny procedure takes 3 working days).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.authentication import issue_token
from api.settings import Settings
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import Procedure, RequiredPaper
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.workflow import acting
from documents.workflow.acting import Decision
from documents.workflow.submitting import Submission, submit
from tests.catalogue import PROCEDURE, VALID_DATA, WARD

HOURS = OfficeHours()
DESK = Actor(user="tiepnhan", agency_code=WARD)
SPECIALIST = Actor(user="chuyenvien", agency_code=WARD)
LEADER = Actor(user="lanhdao", agency_code=WARD)
APPLICANT_ID = "001190054321"
APPLICANT_NAME = "Trần Thị Bình"
PHONE = "0987654321"
ADDRESS = "5 Lý Thái Tổ, Hoàn Kiếm, Hà Nội"
PAPERS = [
    RequiredPaper(slot="application", name="Tờ khai đề nghị cấp giấy phép", originals=1),
    RequiredPaper(slot="plan", name="Bản vẽ mặt bằng", copies=1, optional=True),
]
ITEMS = [
    {"item": "Bản vẽ mặt bằng có chữ ký", "reason": "Bản vẽ nộp kèm chưa có chữ ký"},
    {"item": "Tờ khai bản chính", "reason": "Chỉ nộp bản chụp"},
]
REFUSAL = "Thủ tục không thuộc thẩm quyền của phường"
REJECTION = "Công trình nằm trong hành lang an toàn giao thông"
DELAY = "Cần lấy ý kiến của Sở Xây dựng"
STOP = "Người nộp đề nghị dừng giải quyết do đã chuyển nơi cư trú"


CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's Chromium at /usr/bin/chromium; CI installs it in .ci/run",
)


def bearer(
    settings: Settings, role: str, agency: str | None = WARD, **claims: str
) -> dict[str, str]:
    token = issue_token(settings, role, sub="forms-test", agency=agency, **claims)
    return {"authorization": f"Bearer {token}"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2025 given in Hà Nội time (UTC+7)."""
    return datetime(2025, 3, day, hour - 7, minute, tzinfo=UTC)


@dataclass(frozen=True)
class States:
    """Codes of dossiers in each state the forms need."""

    received: str
    supplement: str
    refused: str
    rejected: str
    apology: str
    stopped: str
    returned: str


async def submit_one(name: str = APPLICANT_NAME, day: int = 10) -> str:
    applicant = Applicant(
        kind=ApplicantKind.CITIZEN,
        id_number=APPLICANT_ID,
        full_name=name,
        phone=PHONE,
        address=ADDRESS,
    )
    submission = Submission(
        procedure_code=PROCEDURE,
        receiving_agency_code=WARD,
        channel=Channel.COUNTER,
        applicant=applicant,
        data=VALID_DATA,
    )
    dossier = await submit(submission, received_at=at(day, 9, 30), hours=HOURS)
    return dossier.code


async def _accepted(day: int = 10) -> str:
    code = await submit_one(day=day)
    await acting.accept(code, DESK, hours=HOURS, at=at(day, 10))
    await acting.hand_over(code, "review", DESK, to_user="chuyenvien", hours=HOURS, at=at(day, 11))
    return code


async def bring_to_every_state() -> States:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.required_papers = PAPERS
    await procedure.save()

    received = await submit_one()

    supplement = await _accepted()
    await acting.request_supplement(supplement, ITEMS, SPECIALIST, hours=HOURS, at=at(10, 14))

    refused = await submit_one()
    await acting.refuse(refused, REFUSAL, DESK, hours=HOURS, at=at(10, 10))

    rejected = await _accepted()
    await acting.hand_over(rejected, "approve", SPECIALIST, hours=HOURS, at=at(11, 9))
    await acting.record_result(
        rejected, Decision.REJECT, REJECTION, LEADER, hours=HOURS, at=at(11, 10)
    )

    apology = await _accepted()
    await acting.issue_apology(
        apology, DELAY, date(2025, 3, 18), SPECIALIST, hours=HOURS, at=at(11, 9)
    )

    stopped = await _accepted()
    await acting.stop_processing(stopped, STOP, SPECIALIST, hours=HOURS, at=at(11, 15))

    returned = await _accepted()
    await acting.hand_over(returned, "approve", SPECIALIST, hours=HOURS, at=at(11, 9))
    await acting.record_result(returned, Decision.APPROVE, None, LEADER, hours=HOURS, at=at(11, 10))
    await acting.return_result(returned, DESK, hours=HOURS, at=at(12, 9))

    return States(received, supplement, refused, rejected, apology, stopped, returned)
