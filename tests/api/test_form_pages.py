"""The printable forms Mẫu 01–07 in Debian's Chromium, printed to A4 PDF.

The app is served by uvicorn on a loopback port (tests/realtime.py), dossiers are
brought into each form's state through the domain (tests/api/form_states.py), and
Chromium, driven by Playwright's async API, opens each page as the ward's desk with
every other origin cut off, fails on any Content-Security-Policy violation, checks the
Vietnamese text and the dossier's values that a person reads, prints the page to PDF
(one A4 page for a form, A4 landscape for the book) and saves a screenshot under
docs/screenshots/ for docs/printable-forms.md.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from api.settings import Settings
from tests.api import form_states as s
from tests.api.form_browser import A4_LANDSCAPE, Desk, browser, desk_at
from tests.api.form_states import bearer, needs_chromium
from tests.api.pdf_pages import page_sizes
from tests.api.test_pages import SCREENSHOTS
from tests.catalogue import WARD
from tests.realtime import Served, serving

pytestmark = needs_chromium
__all__ = ["browser"]  # a fixture (tests/api/form_browser.py), used by name below


@pytest.fixture
async def served(settings: Settings, tiny_catalogue: None) -> AsyncIterator[Served]:
    async with serving(settings) as server:
        yield server


@pytest.fixture
async def desk(browser: Browser, served: Served, settings: Settings) -> AsyncIterator[Desk]:
    """The ward's reception desk; every form's header names the ward."""
    headers = bearer(settings, "officer:reception", WARD)
    async with desk_at(browser, served.base, headers, issuer="UBND Phường Thử") as watched:
        yield watched


async def test_forms_01_to_06_and_the_book_render_and_print_on_a4(desk: Desk) -> None:
    states = await s.bring_to_every_state()
    body = desk.page.locator("body")

    await desk.open(
        f"/dossiers/{states.received}/forms/01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    )
    await expect(body).to_contain_text(
        "Thời gian trả kết quả giải quyết hồ sơ: 17:00 ngày 13/03/2025."
    )
    await expect(body).to_contain_text(s.APPLICANT_NAME)
    await expect(body).to_contain_text("Tờ khai đề nghị cấp giấy phép")
    box = await desk.page.locator(".qr svg").bounding_box()
    assert box is not None
    assert 100 < box["width"] < 125  # 30 mm at 96 dpi is 113 px
    await desk.printed("mau-01")

    await desk.open(
        f"/dossiers/{states.supplement}/forms/02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
    )
    rows = desk.page.locator("table.items tbody tr")
    await expect(rows).to_have_count(len(s.ITEMS))
    for row, item in zip(await rows.all(), s.ITEMS, strict=True):
        await expect(row).to_contain_text(item["item"])
        await expect(row).to_contain_text(item["reason"])
    await desk.printed("mau-02")

    await desk.open(
        f"/dossiers/{states.refused}/forms/03", "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ"
    )
    await expect(desk.page.locator(".reason")).to_have_text(s.REFUSAL)
    await expect(body).to_contain_text("từ chối tiếp nhận hồ sơ")
    await desk.printed("mau-03")

    await desk.open(
        f"/dossiers/{states.apology}/forms/04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ",
    )
    await expect(desk.page.locator(".reason")).to_have_text(s.DELAY)
    await expect(desk.page.locator(".new-appointment")).to_have_text("17:00 ngày 18/03/2025")
    await desk.printed("mau-04")

    await desk.open(f"/dossiers/{states.stopped}/forms/05", "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ")
    await expect(desk.page.locator(".reason")).to_have_text(s.STOP)
    await desk.printed("mau-05")

    await desk.open(
        f"/dossiers/{states.returned}/forms/06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
    )
    slip = desk.page.locator("table.slip tbody tr")
    await expect(slip).to_have_count(3)
    await expect(slip.nth(1)).to_contain_text("Thẩm định")
    await expect(slip.nth(1)).to_contain_text("11:00 ngày 10/03/2025")
    await expect(slip.nth(1)).to_contain_text("chuyenvien")
    await expect(slip.nth(2).locator(".result")).to_have_text("Trước hạn")
    await desk.printed("mau-06")

    await desk.open(
        f"/agencies/{WARD}/tracking-book?from=2025-03-01&to=2025-03-31", "SỔ THEO DÕI HỒ SƠ"
    )
    book = desk.page.locator("table.book tbody tr")
    await expect(book).to_have_count(7)
    returned = book.filter(has_text=states.returned)
    await expect(returned).to_contain_text("Đã trả kết quả; trước hạn")
    await expect(returned).to_contain_text("12/03/2025")
    pdf = await desk.page.pdf(format="A4", prefer_css_page_size=True)
    sizes = page_sizes(pdf)
    assert sizes
    assert set(sizes) == {A4_LANDSCAPE}
    await desk.page.screenshot(path=SCREENSHOTS / "mau-07.png", full_page=True)


async def test_a_form_that_does_not_apply_says_so_in_the_browser(desk: Desk) -> None:
    states = await s.bring_to_every_state()
    response = await desk.page.goto(f"{desk.base}/dossiers/{states.received}/forms/05")
    assert response is not None
    assert response.status == 404
    await expect(desk.page.locator("h1")).to_have_text(
        re.compile("Mẫu 05 không áp dụng cho hồ sơ này")
    )
