"""The printable receipt and appointment slip, requested as a browser requests it.

Who may print it is tested in tests/api/test_dossier_access.py; here a reception officer
of the ward that receives and handles the dossier asks for it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import qrcode

from api.authentication import issue_token
from api.http.receipt import qr_svg
from api.settings import Settings
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import FeeKind, FeeSchedule, Procedure, RequiredPaper
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.workflow.submitting import Submission, submit
from tests.catalogue import PROCEDURE, VALID_DATA, WARD
from tests.conftest import BASE_URL

# Monday 10 March 2025, 09:30 in Hà Nội; three working days later is Thursday 13 March.
RECEIVED_AT = datetime(2025, 3, 10, 2, 30, tzinfo=UTC)
PAPERS = [
    RequiredPaper(slot="application", name="Tờ khai đề nghị cấp giấy phép", originals=1),
    RequiredPaper(slot="id", name="Căn cước công dân", originals=0, copies=2),
    RequiredPaper(slot="plan", name="Bản vẽ mặt bằng & sơ đồ vị trí", copies=1, optional=True),
]
RESULT_PLACE = "Bộ phận Một cửa UBND Phường Thử, quầy số 3"


@pytest.fixture
def client(tiny_catalogue: None, http: httpx.AsyncClient, settings: Settings) -> httpx.AsyncClient:
    """The whole app, as the ward's reception desk reaches it."""
    token = issue_token(settings, "officer:reception", sub="desk", agency=WARD)
    http.headers["authorization"] = f"Bearer {token}"
    return http


async def _configure_procedure(**changes: Any) -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    for name, value in changes.items():
        setattr(procedure, name, value)
    await procedure.save()


async def _submit(full_name: str = "Trần Thị Bình") -> Dossier:
    applicant = Applicant(
        kind=ApplicantKind.CITIZEN,
        id_number="001190054321",
        full_name=full_name,
        phone="0987654321",
        address="5 Lý Thái Tổ, Hoàn Kiếm, Hà Nội",
    )
    submission = Submission(
        procedure_code=PROCEDURE,
        receiving_agency_code=WARD,
        channel=Channel.COUNTER,
        applicant=applicant,
        data=VALID_DATA,
    )
    return await submit(submission, received_at=RECEIVED_AT, hours=OfficeHours())


def _dark_modules_in(svg: str) -> set[tuple[int, int]]:
    """The top-left corners of the squares that `SvgPathImage` draws, one per module."""
    path = re.search(r'<path d="([^"]+)"', svg)
    assert path is not None, svg[:200]
    corners = re.findall(r"M(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)H", path.group(1))
    return {(int(float(x)), int(float(y))) for x, y in corners}


def _dark_modules_of(text: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code of `text`, border included, as qrcode builds it."""
    code = qrcode.QRCode()
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    return {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}


async def test_the_slip_shows_the_dossier_applicant_procedure_papers_and_times(
    client: httpx.AsyncClient,
) -> None:
    await _configure_procedure(required_papers=PAPERS, result_place=RESULT_PLACE)
    dossier = await _submit()

    response = await client.get(f"/dossiers/{dossier.code}/receipt")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    assert '<meta charset="utf-8">' in page
    assert f"<title>Giấy tiếp nhận hồ sơ và hẹn trả kết quả – {dossier.code}</title>" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Độc lập - Tự do - Hạnh phúc" in page
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
    assert "UBND Phường Thử" in page
    assert "UBND Thành phố Hà Nội" in page  # the receiving agency's parent
    assert f"Mã hồ sơ: <strong>{dossier.code}</strong>" in page
    assert "Trần Thị Bình" in page
    assert "001190054321" in page
    assert "0987654321" in page
    assert "5 Lý Thái Tổ, Hoàn Kiếm, Hà Nội" in page
    assert "Cấp giấy phép thử (mã thủ tục: 9.000001)" in page
    assert (
        '<td>Tờ khai đề nghị cấp giấy phép</td><td class="number">1</td><td class="number">0</td>'
        in page
    )
    assert '<td>Căn cước công dân</td><td class="number">0</td><td class="number">2</td>' in page
    assert "Bản vẽ mặt bằng &amp; sơ đồ vị trí <em>(nếu có)</em>" in page
    assert "Số lượng hồ sơ: 01 bộ" in page
    assert "3 ngày làm việc" in page
    assert "Thời gian nhận hồ sơ: 09:30 ngày 10/03/2025." in page
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17:00 ngày 13/03/2025." in page
    assert f"Nhận kết quả tại: {RESULT_PLACE}." in page
    assert "Phí, lệ phí" not in page  # the tiny procedure is free
    assert "tra cứu tình trạng giải quyết hồ sơ bằng mã hồ sơ" in page
    # Absolute: front ends fetch the slip and show it from their own origin.
    assert f'<link rel="stylesheet" href="{BASE_URL}/static/receipt.css">' in page
    assert "<style" not in page  # the Content-Security-Policy allows no inline style
    assert "Traceback" not in page
    styles = await client.get("/static/receipt.css")
    assert styles.status_code == 200
    assert "@media print" in styles.text


async def test_the_slip_embeds_an_svg_qr_code_of_the_public_lookup_link(
    client: httpx.AsyncClient,
) -> None:
    dossier = await _submit()
    link = f"{BASE_URL}/tra-cuu?ma={dossier.code}"  # absolute, from the request's address

    page = (await client.get(f"/dossiers/{dossier.code}/receipt")).text

    assert page.count("<svg") == 1
    inline = re.search(r"<svg.*?</svg>", page, re.DOTALL)
    assert inline is not None
    assert inline.group(0) == qr_svg(link)
    modules = _dark_modules_in(inline.group(0))
    assert len(modules) > 100
    assert modules == _dark_modules_of(link)
    assert modules != _dark_modules_of(dossier.code)


async def test_the_result_place_falls_back_to_the_receiving_agency_and_the_fee_is_shown(
    client: httpx.AsyncClient,
) -> None:
    ward = await Agency.find_one(Agency.code == WARD)
    assert ward is not None
    ward.address = "1 Phố Thử, Hà Nội"
    await ward.save()
    await _configure_procedure(fee=FeeSchedule(kind=FeeKind.FIXED, amount=200_000))
    dossier = await _submit()

    page = (await client.get(f"/dossiers/{dossier.code}/receipt")).text

    assert "Nhận kết quả tại: UBND Phường Thử, 1 Phố Thử, Hà Nội." in page
    assert "Phí, lệ phí phải nộp: 200.000 đồng." in page
    assert "Không có giấy tờ kèm theo." in page


async def test_an_applicant_name_with_markup_is_shown_escaped(client: httpx.AsyncClient) -> None:
    dossier = await _submit(full_name="<script>alert(1)</script>")

    page = (await client.get(f"/dossiers/{dossier.code}/receipt")).text

    assert "<script>" not in page
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in page


async def test_an_unknown_code_is_a_small_html_404_page_without_a_traceback(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/dossiers/000.22.99.H26-250310-9999/receipt")

    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Không tìm thấy hồ sơ" in response.text
    # The page names no code, so it is the same page whatever was asked for.
    assert "000.22.99.H26-250310-9999" not in response.text
    assert "Traceback" not in response.text


async def test_an_unknown_code_with_markup_is_not_echoed_on_the_404_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/dossiers/%3Cb%3Ex%22y/receipt")

    assert response.status_code == 404
    assert "<b>" not in response.text
    assert "x&quot;y" not in response.text
