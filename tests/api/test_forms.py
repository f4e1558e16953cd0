"""The printable forms Mẫu 01–06, requested as a browser or a program requests them.

The browser renders them in tests/api/test_form_pages.py; here the HTML is read as text:
each form shows the dossier's values, applies to the dossier or says why not, follows
the rule of `dossier(code)`, and prints to PDF with Chromium or answers 503.
"""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from documents.workflow import acting
from tests.api import form_states as s
from tests.api.form_states import bearer, needs_chromium
from tests.api.pdf_pages import page_sizes
from tests.catalogue import CITY, OTHER_WARD, load_tiny_catalogue
from tests.conftest import running_app


@pytest.fixture
async def states(tiny_catalogue: None) -> s.States:
    return await s.bring_to_every_state()


@pytest.fixture
def desk(http: httpx.AsyncClient, settings: Settings) -> httpx.AsyncClient:
    """The ward's reception desk, which receives and handles the tiny procedure."""
    http.headers.update(bearer(settings, "officer:reception"))
    return http


def header_checks(page: str, number: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    assert f'<div class="form-number">Mẫu {number}</div>' in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Độc lập - Tự do - Hạnh phúc" in page
    assert "UBND Phường Thử" in page
    assert "UBND Thành phố Hà Nội" in page  # the issuing agency's parent
    assert "/static/forms.css" in page
    assert "<style" not in page  # the Content-Security-Policy allows no inline style


async def form(client: httpx.AsyncClient, code: str, number: str, **params: str) -> str:
    response = await client.get(f"/dossiers/{code}/forms/{number}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    header_checks(response.text, number)
    return response.text


async def test_form_01_is_the_receipt_with_the_appointment(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    page = await form(desk, states.received, "01")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17:00 ngày 13/03/2025." in page
    assert "Tờ khai đề nghị cấp giấy phép" in page
    assert s.APPLICANT_NAME in page
    # The old address is the same form, with the slip's own style sheet (A4 or A5).
    old = await desk.get(f"/dossiers/{states.received}/receipt")
    assert old.status_code == 200
    assert "Mẫu 01" in old.text
    assert "/static/receipt.css" in old.text
    assert "17:00 ngày 13/03/2025" in old.text


async def test_form_02_lists_the_items_of_the_newest_round_or_the_one_asked_for(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    page = await form(desk, states.supplement, "02")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in page
    for item in s.ITEMS:
        assert f"<td>{item['item']}</td><td>{item['reason']}</td>" in page
    assert 'Lần yêu cầu: <strong class="round">1</strong>/1' in page
    assert "Ngày 10/03/2025" in page
    assert (await desk.get(f"/dossiers/{states.supplement}/forms/02?round=1")).status_code == 200
    beyond = await desk.get(f"/dossiers/{states.supplement}/forms/02?round=2")
    assert beyond.status_code == 404
    assert "có 1 lần yêu cầu bổ sung" in beyond.text


async def test_form_03_gives_the_reason_of_a_refusal_or_a_rejection(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    refused = await form(desk, states.refused, "03")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in refused
    assert "UBND Phường Thử từ chối tiếp nhận hồ sơ" in refused
    assert s.REFUSAL in refused
    rejected = await form(desk, states.rejected, "03")
    assert "UBND Phường Thử từ chối giải quyết hồ sơ" in rejected
    assert s.REJECTION in rejected
    assert "Ngày 11/03/2025" in rejected


async def test_form_04_apologises_with_the_old_and_the_new_appointment(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    page = await form(desk, states.apology, "04")
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ" in page
    assert s.DELAY in page
    assert '<span class="first-appointment">17:00 ngày 13/03/2025</span>' in page
    assert '<strong class="new-appointment">17:00 ngày 18/03/2025</strong>' in page


async def test_form_05_notifies_that_processing_stopped_with_the_reason(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    page = await form(desk, states.stopped, "05")
    assert "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ" in page
    assert s.STOP in page
    assert "kể từ 15:00 ngày 11/03/2025" in page


async def test_form_06_shows_each_hand_over_with_its_times_and_result(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    page = await form(desk, states.returned, "06")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page
    assert page.count('<td class="number">') == 3  # reception, review, approval
    assert "<td>Thẩm định</td>" in page
    assert '<span class="user">tiepnhan</span>' in page  # who gave it to the review
    assert '<span class="user">chuyenvien</span>' in page  # who received it
    assert "<td>11:00 ngày 10/03/2025</td>" in page  # handed over to the review
    assert '<td class="result">Trước hạn</td>' in page  # finished before the due day


async def test_a_form_that_does_not_apply_is_a_404_saying_so(
    desk: httpx.AsyncClient, states: s.States
) -> None:
    cases = {
        "02": "chưa có yêu cầu bổ sung",
        "03": "không bị từ chối",
        "04": "chưa có văn bản xin lỗi",
        "05": "không bị dừng xử lý",
    }
    for number, why in cases.items():
        response = await desk.get(f"/dossiers/{states.received}/forms/{number}")
        assert response.status_code == 404, number
        assert f"Mẫu {number} không áp dụng cho hồ sơ này" in response.text
        assert why in response.text
        assert response.headers["cache-control"] == "no-store"
    unknown = await desk.get(f"/dossiers/{states.received}/forms/08")
    assert unknown.status_code == 404
    assert "Mẫu 01 đến Mẫu 06" in unknown.text


async def test_only_those_who_see_the_dossier_get_its_forms_others_one_404_page(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    url = f"/dossiers/{states.stopped}/forms/05"
    outsider = await http.get(url, headers=bearer(settings, "officer:reception", OTHER_WARD))
    stranger = await http.get(
        url, headers=bearer(settings, "applicant", None, id_number="001099999999")
    )
    anonymous = await http.get(url)
    unknown = await http.get(
        "/dossiers/000.22.99.H26-250310-9999/forms/05",
        headers=bearer(settings, "officer:reception", OTHER_WARD),
    )
    pages = {r.text for r in (outsider, stranger, anonymous, unknown)}
    assert {r.status_code for r in (outsider, stranger, anonymous, unknown)} == {404}
    assert len(pages) == 1  # the same page whatever the code: not "does not apply"
    assert "Không tìm thấy hồ sơ" in pages.pop()
    owner = await http.get(
        url, headers=bearer(settings, "applicant", None, id_number=s.APPLICANT_ID)
    )
    assert owner.status_code == 200
    assert s.STOP in owner.text


async def test_viewers_who_do_not_handle_the_dossier_see_personal_data_masked(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    admin = bearer(settings, "agency_admin", CITY)  # sees it, does not handle it
    page = (await http.get(f"/dossiers/{states.refused}/forms/03", headers=admin)).text
    assert s.APPLICANT_ID not in page
    assert s.ADDRESS not in page
    assert f"{s.APPLICANT_ID[:4]}******{s.APPLICANT_ID[-2:]}" in page
    handler = bearer(settings, "officer:specialist")
    page = (await http.get(f"/dossiers/{states.refused}/forms/03", headers=handler)).text
    assert s.APPLICANT_ID in page
    assert s.ADDRESS in page


async def test_misses_spend_the_public_lookup_budget(
    http: httpx.AsyncClient, settings: Settings, tiny_catalogue: None
) -> None:
    statuses = [
        (await http.get(f"/dossiers/000.22.99.H26-250310-{n:04d}/forms/01")).status_code
        for n in range(settings.public_lookups_per_minute + 1)
    ]
    assert statuses[:-1] == [404] * settings.public_lookups_per_minute
    assert statuses[-1] == 429


async def test_markup_in_the_dossier_is_escaped(desk: httpx.AsyncClient, states: s.States) -> None:
    code = await s.submit_one()
    await acting.refuse(code, "<script>alert(1)</script>", s.DESK, hours=s.HOURS)
    page = (await desk.get(f"/dossiers/{code}/forms/03")).text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@needs_chromium
async def test_pdf_is_printed_by_chromium_on_a4(desk: httpx.AsyncClient, states: s.States) -> None:
    response = await desk.get(f"/dossiers/{states.supplement}/forms/02", params={"format": "pdf"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert f"mau-02-{states.supplement}.pdf" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")
    assert page_sizes(response.content) == [(595, 842)]  # one A4 page, in points


@pytest.mark.parametrize("chromium", ["/nonexistent/chromium", "/bin/false"])
async def test_without_a_working_chromium_the_pdf_is_a_clear_503_page(
    settings: Settings, chromium: str, caplog: pytest.LogCaptureFixture
) -> None:
    own = settings.model_copy(update={"chromium_path": Path(chromium)})
    caplog.set_level(logging.DEBUG)
    async for _, client in running_app(own):
        await load_tiny_catalogue()
        code = await s.submit_one()
        client.headers.update(bearer(own, "officer:reception"))
        response = await client.get(f"/dossiers/{code}/forms/01?format=pdf")
        assert response.status_code == 503
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "Chưa tạo được bản PDF" in response.text
        assert "UNAVAILABLE" in response.text
        assert "Traceback" not in response.text
        html = await client.get(f"/dossiers/{code}/forms/01")
        assert html.status_code == 200  # the page itself still prints from the browser
    assert "PDF unavailable" in caplog.text
    for personal in (s.APPLICANT_ID, s.APPLICANT_NAME, s.PHONE, s.ADDRESS):
        assert personal not in caplog.text


async def test_a_bad_format_is_a_typed_400(desk: httpx.AsyncClient, states: s.States) -> None:
    response = await desk.get(f"/dossiers/{states.received}/forms/01?format=docx")
    assert response.status_code == 400
    assert "VALIDATION_FAILED" in response.text
