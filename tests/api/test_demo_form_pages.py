"""Mẫu 01–06 and the tracking book (Mẫu 07) of **demo** dossiers in Debian's Chromium.

The demo catalogue (Hà Nội's agencies and procedures) and some demo dossiers are seeded
as `motcua seed` seeds them, with the clock held at a fixed moment so the generated
history is the same on every run; the app is served on a loopback port
(tests/realtime.py). For each form a seeded dossier in the state the form applies to is
opened as a system admin in Chromium (tests/api/form_browser.py), offline and under the
Content-Security-Policy: the page must show the form's number, the dossier's code and
the value that form is about, and print to A4. No screenshots: those of
docs/printable-forms.md come from tests/api/test_form_pages.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import Browser, expect

from api.settings import Settings
from demo.seeding import HISTORY_DAYS, seed_catalogue, seed_dossiers
from documents.catalogue.agencies import Agency, AgencyLevel
from documents.common.clock import fixed_time, local_date, to_local
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import DossierStatus
from tests.api.form_browser import A4_LANDSCAPE, Desk, browser, desk_at
from tests.api.form_states import bearer, needs_chromium
from tests.realtime import serving

pytestmark = needs_chromium
__all__ = ["browser"]  # a fixture (tests/api/form_browser.py), used by name below

# Monday 14 September 2026, 10:00 in Hà Nội: a year of history after the 2025 tree.
NOW = datetime(2026, 9, 14, 3, 0, tzinfo=UTC)
DOSSIERS = 60
REFUSALS = (DossierStatus.REFUSED, DossierStatus.REJECTED)


def shown(moment: datetime) -> str:
    """A moment as the forms print it: `HH:MM ngày DD/MM/YYYY` in Hà Nội."""
    return to_local(moment).strftime("%H:%M ngày %d/%m/%Y")


class Demo:
    """The seeded dossiers and agencies, to pick one per form from."""

    def __init__(self, dossiers: list[Dossier], agencies: dict[str, Agency]) -> None:
        self.dossiers, self.agencies = dossiers, agencies

    def pick(self, what: str, wanted: Callable[[Dossier], bool]) -> Dossier:
        found = next((d for d in self.dossiers if wanted(d)), None)
        assert found is not None, f"no demo dossier {what} among {len(self.dossiers)}"
        return found

    def name(self, code: str) -> str:
        return self.agencies[code].name

    def routed(self, dossier: Dossier) -> bool:
        """Received at a service point, handled elsewhere, through several steps."""
        at_point = self.agencies[dossier.receiving_agency_code].level is AgencyLevel.SERVICE_POINT
        moved = dossier.handling_agency_code != dossier.receiving_agency_code
        return at_point and moved and len(dossier.steps) >= 3


@pytest.fixture
async def demo(http: httpx.AsyncClient, settings: Settings) -> Demo:
    await seed_catalogue()
    with fixed_time(NOW):
        await seed_dossiers(DOSSIERS, settings.office_hours)
    dossiers = await Dossier.find_all().sort("+code").to_list()
    agencies = {a.code: a for a in await Agency.find_all().to_list()}
    return Demo(dossiers, agencies)


@pytest.fixture
async def desk(browser: Browser, demo: Demo, settings: Settings) -> AsyncIterator[Desk]:
    """A system admin, who may see every dossier and every agency's book."""
    async with serving(settings) as server:
        headers = bearer(settings, "system_admin", None)
        async with desk_at(browser, server.base, headers) as watched:
            yield watched


async def _opened(desk: Desk, dossier: Dossier, number: str, heading: str, issuer: str) -> None:
    """Form `number` of `dossier` as a person reads it: its number, title, issuer, code."""
    await desk.open(f"/dossiers/{dossier.code}/forms/{number}", heading, issuer)
    await expect(desk.page.locator(".form-number")).to_have_text(f"Mẫu {number}")
    await expect(desk.page.locator(".code strong").first).to_have_text(dossier.code)


async def test_forms_01_to_06_and_the_book_render_for_demo_dossiers(desk: Desk, demo: Demo) -> None:
    body = desk.page.locator("body")

    received = demo.pick("without an apology", lambda d: d.apology is None)
    await _opened(
        desk,
        received,
        "01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        demo.name(received.receiving_agency_code),
    )
    await expect(body).to_contain_text(received.applicant.full_name)
    await expect(body).to_contain_text(
        f"Thời gian trả kết quả giải quyết hồ sơ: {shown(received.appointment_at)}."
    )
    await desk.printed(None, pages=None)

    supplemented = demo.pick("with a supplement round", lambda d: bool(d.supplements))
    asked = supplemented.supplements[-1]
    await _opened(
        desk,
        supplemented,
        "02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        demo.name(
            supplemented.receiving_agency_code
            if asked.at_reception
            else supplemented.handling_agency_code
        ),
    )
    items = desk.page.locator("table.items tbody tr")
    await expect(items).to_have_count(len(asked.items))
    await expect(items.first).to_contain_text(asked.items[0].item)
    await expect(items.first).to_contain_text(asked.items[0].reason)
    await desk.printed(None, pages=None)

    refused = demo.pick("refused or rejected", lambda d: d.status in REFUSALS)
    at_reception = refused.status is DossierStatus.REFUSED
    await _opened(
        desk,
        refused,
        "03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        demo.name(refused.receiving_agency_code if at_reception else refused.handling_agency_code),
    )
    assert refused.reason
    await expect(desk.page.locator(".reason")).to_have_text(refused.reason)
    await desk.printed(None, pages=None)

    apologised = demo.pick("with an apology", lambda d: d.apology is not None)
    apology = apologised.apology
    assert apology is not None
    await _opened(
        desk,
        apologised,
        "04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ",
        demo.name(apologised.handling_agency_code),
    )
    await expect(desk.page.locator(".reason")).to_have_text(apology.reason)
    await expect(desk.page.locator(".first-appointment")).to_have_text(shown(apologised.due_at))
    await expect(desk.page.locator(".new-appointment")).to_have_text(
        shown(apology.new_appointment_at)
    )
    await desk.printed(None, pages=None)

    stopped = demo.pick("stopped", lambda d: d.status is DossierStatus.STOPPED)
    await _opened(
        desk,
        stopped,
        "05",
        "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ",
        demo.name(stopped.handling_agency_code),
    )
    assert stopped.reason
    await expect(desk.page.locator(".reason")).to_have_text(stopped.reason)
    await desk.printed(None, pages=None)

    routed = demo.pick("received at a service point and routed", demo.routed)
    point, handler = demo.name(routed.receiving_agency_code), demo.name(routed.handling_agency_code)
    await _opened(desk, routed, "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", point)
    await expect(body).to_contain_text(f"Nơi tiếp nhận: {point} · Cơ quan giải quyết: {handler}")
    slip = desk.page.locator("table.slip tbody tr")
    await expect(slip).to_have_count(len(routed.steps))
    # The transfer: the step given by the service point to the competent agency.
    transfer = next(
        number
        for number, step in enumerate(routed.steps)
        if step.from_agency_code == routed.receiving_agency_code
        and step.agency_code == routed.handling_agency_code
    )
    cells = slip.nth(transfer).locator("td")
    await expect(cells.nth(2)).to_contain_text(point)
    await expect(cells.nth(3)).to_contain_text(handler)
    await desk.printed(None, pages=None)

    # The handling agency's book over the whole seeded year lists its dossiers.
    first, last = local_date(NOW - timedelta(days=HISTORY_DAYS)), local_date(NOW)
    await desk.open(
        f"/agencies/{routed.handling_agency_code}/tracking-book?from={first}&to={last}",
        "SỔ THEO DÕI HỒ SƠ",
        handler,
    )
    await expect(desk.page.locator(".form-number")).to_have_text("Mẫu 07")
    book = desk.page.locator("table.book tbody tr")
    row = book.filter(has_text=routed.code)
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(routed.applicant.full_name)
    handled = [
        d.code for d in demo.dossiers if d.handling_agency_code == routed.handling_agency_code
    ]
    for code in handled:
        await expect(book.filter(has_text=code)).to_have_count(1)
    await desk.printed(None, A4_LANDSCAPE, pages=None)
