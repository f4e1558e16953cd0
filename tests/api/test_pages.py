"""The public pages, in a real browser against a real server with the demo data.

`motcua serve --seed-if-empty` runs in a subprocess on a free port (the demo catalogue
and 40 dossiers in a fresh database, development mode for GraphiQL), and Debian's
Chromium, driven by Playwright, opens `/tra-cuu`, `/cong-khai` and GraphiQL with every
other origin cut off, as offline, and fails on any Content-Security-Policy violation.
The screenshots land in docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from pymongo import MongoClient

from api.authentication import issue_token
from api.settings import Settings
from tests.browser import Watch

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); "
    "CI installs it in .ci/run",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(
    ready: Callable[[], bool], what: str, server: subprocess.Popen[bytes], log: Path
) -> None:
    """Poll `ready()` until it holds, failing with the server's log if the server exits or
    `what` has not happened within 180 s."""
    deadline = time.monotonic() + 180
    while not ready():
        if server.poll() is not None:
            pytest.fail(f"the server exited:\n{log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within 180 s:\n{log.read_text(errors='replace')}")
        time.sleep(0.25)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


DEMO_SETTLED = "Demo history complete"


@pytest.fixture(scope="module")
def database(mongodb_uri: str) -> Iterator[tuple[str, str]]:
    name = f"test_pages_{uuid.uuid4().hex[:12]}"
    yield mongodb_uri, name
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_uri)
    with client:
        client.drop_database(name)


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's data directory (its development JWT secret)."""
    return tmp_path_factory.mktemp("pages")


@pytest.fixture(scope="module")
def base_url(database: tuple[str, str], server_dir: Path) -> Iterator[str]:
    uri, name = database
    port = free_port()
    env = {
        **os.environ,
        "MOTCUA_MONGODB_URI": uri,
        "MOTCUA_DATABASE": name,
        "MOTCUA_PORT": str(port),
        "MOTCUA_DATA_DIR": str(server_dir / "var"),
        "MOTCUA_DEMO_DOSSIERS": "40",
        "MOTCUA_DEV_MODE": "true",  # GraphiQL
    }
    log = server_dir / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--seed-if-empty"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/tra-cuu"), "the server did not start", server, log)

        # The demo history is played in the background after the API answers: the pages
        # are shown on the settled data, not on dossiers that change as a test reads them.
        def settled() -> bool:
            return DEMO_SETTLED in log.read_text(errors="replace")

        wait_until(settled, f"no {DEMO_SETTLED!r} in the log", server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    watch = Watch(context, base_url)
    page = watch.new_page(context)
    yield page
    watch.check()
    context.close()


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True)
    watch = Watch(context, base_url)
    page = watch.new_page(context)
    yield page
    watch.check()
    context.close()


def fits_the_width(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"] if page.viewport_size else False


def seeded_dossier(database: tuple[str, str]) -> dict[str, Any]:
    uri, name = database
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    with client:
        found = client[name]["dossiers"].find_one(
            {"status": "IN_PROGRESS"}, sort=[("code", 1)]
        ) or client[name]["dossiers"].find_one({}, sort=[("code", 1)])
    assert found is not None, "the demo data has no dossier"
    return dict(found)


def look_up(page: Page, code: str, last4: str) -> None:
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối CCCD/CMND").fill(last4)
    page.get_by_role("button", name="Tra cứu").click()


def test_tra_cuu_shows_the_status_of_a_seeded_dossier(
    base_url: str, page: Page, phone: Page, database: tuple[str, str]
) -> None:
    dossier = seeded_dossier(database)
    page.goto(f"{base_url}/tra-cuu")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    look_up(page, dossier["code"], dossier["applicant"]["id_number"][-4:])

    result = page.locator("#result")
    expect(result.get_by_role("heading", name=f"Hồ sơ {dossier['code']}")).to_be_visible()
    expect(result.locator("li[aria-current=step]")).to_have_count(1)
    assert dossier["status"] == "IN_PROGRESS"
    expect(result.locator(".badge").first).to_have_text("Đang giải quyết")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "tra-cuu.png", full_page=True)

    phone.goto(f"{base_url}/tra-cuu")
    look_up(phone, dossier["code"], dossier["applicant"]["id_number"][-4:])
    expect(phone.locator("#result .badge").first).to_have_text("Đang giải quyết")
    assert fits_the_width(phone)
    phone.screenshot(path=SCREENSHOTS / "tra-cuu-phone.png", full_page=True)


def test_tra_cuu_with_wrong_digits_says_not_found(
    base_url: str, page: Page, database: tuple[str, str]
) -> None:
    dossier = seeded_dossier(database)
    wrong = "0000" if dossier["applicant"]["id_number"][-4:] != "0000" else "1111"
    page.goto(f"{base_url}/tra-cuu")
    look_up(page, dossier["code"], wrong)
    expect(page.locator("#result")).to_contain_text("Không tìm thấy hồ sơ")


def stored_group(database: tuple[str, str]) -> dict[str, Any]:
    """A group submission of two seeded dossiers at two agencies, stored as the group
    submission stores one (docs/groups.md), with its procedure group."""
    uri, name = database
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    with client:
        dossiers = client[name]["dossiers"]
        first = seeded_dossier(database)
        second = dossiers.find_one(
            {"handling_agency_code": {"$ne": first["handling_agency_code"]}}, sort=[("code", 1)]
        )
        assert second is not None, "the demo data has dossiers at one agency only"
        members = [first, second]
        client[name]["procedure_groups"].insert_one(
            {
                "code": "LT.TRA-CUU",
                "name": "Nhóm thủ tục liên thông thử",
                "members": [{"procedure_code": d["procedure_code"]} for d in members],
                "combinations": [],
                "feeds": [],
                "processing_days": 3,
                "verification_days": 5,
                "combined_form": {"type": "object"},
                "active": True,
            }
        )
        group = {
            "code": f"{first['receiving_agency_code']}-991231-0001",
            "group_code": "LT.TRA-CUU",
            "receiving_agency_code": first["receiving_agency_code"],
            "applicant_id": first["applicant"]["id_number"],
            "members": [
                {
                    "procedure_code": d["procedure_code"],
                    "dossier_code": d["code"],
                    "agency_code": d["handling_agency_code"],
                    "waits_for": [],
                }
                for d in members
            ],
            "data": {},
            "verification": False,
            "received_at": first["received_at"],
            "due_at": first["due_at"],
            "status": "IN_PROGRESS",
            "finished_at": None,
        }
        client[name]["dossier_groups"].insert_one(dict(group))

        def name_of(collection: str, code: str) -> str:
            found = client[name][collection].find_one({"code": code})
            assert found is not None
            return str(found["name"])

        names = [name_of("agencies", d["handling_agency_code"]) for d in members]
        titles = [name_of("procedures", d["procedure_code"]) for d in members]
    return {**group, "agency_names": names, "procedure_names": titles}


def test_tra_cuu_shows_a_group_with_each_member(
    base_url: str, page: Page, phone: Page, database: tuple[str, str]
) -> None:
    group = stored_group(database)
    page.goto(f"{base_url}/tra-cuu")
    look_up(page, group["code"], group["applicant_id"][-4:])

    card = page.locator("#group")
    expect(card.get_by_role("heading", name=f"Hồ sơ liên thông {group['code']}")).to_be_visible()
    expect(card).to_contain_text("Nhóm thủ tục liên thông thử")
    expect(card.locator("dd .badge").first).to_have_text("Đang giải quyết")
    rows = card.get_by_role("table", name="Các thủ tục trong nhóm").locator("tbody tr")
    expect(rows).to_have_count(2)
    shown = zip(
        rows.all(), group["members"], group["procedure_names"], group["agency_names"], strict=True
    )
    for row, member, procedure, agency in shown:
        expect(row.locator("td").nth(0)).to_have_text(procedure)
        expect(row.locator("td").nth(1)).to_have_text(agency)
        expect(row.locator("td").nth(3)).to_have_text(member["dossier_code"])
        expect(row.locator(".badge")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "tra-cuu-group.png", full_page=True)

    phone.goto(f"{base_url}/tra-cuu")
    look_up(phone, group["code"], group["applicant_id"][-4:])
    expect(phone.locator("#group tbody tr")).to_have_count(2)
    assert fits_the_width(phone)


def test_tra_cuu_shows_keyboard_focus(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/tra-cuu")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua, đến nội dung chính")).to_be_focused()
    for _ in range(5):  # the brand, the two page links, the language button, the code
        page.keyboard.press("Tab")
    expect(page.get_by_label("Mã hồ sơ")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_tra_cuu_language_choice_persists(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/tra-cuu")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a dossier's status")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Dossier code")).to_be_visible()


def test_cong_khai_shows_the_ranking_and_charts(base_url: str, page: Page, phone: Page) -> None:
    page.goto(f"{base_url}/cong-khai")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true", timeout=30_000)
    expect(page.locator("#status")).to_have_class("message info")
    ranking = page.locator("#ranking-table")
    expect(ranking.locator("thead th").first).to_have_text("Hạng")
    assert ranking.locator("tbody tr").count() > 0
    chart = page.locator("#on-time-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 0
    assert box["height"] > 0
    expect(page.locator("#procedure-table tbody tr").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "cong-khai.png", full_page=True)

    phone.goto(f"{base_url}/cong-khai")
    expect(phone.locator("body")).to_have_attribute("data-loaded", "true", timeout=30_000)
    expect(phone.locator("#ranking-table tbody tr").first).to_be_visible()
    assert fits_the_width(phone)
    phone.screenshot(path=SCREENSHOTS / "cong-khai-phone.png", full_page=True)


def test_pages_serve_html_and_the_vendored_chart_library(base_url: str) -> None:
    for path in ("/tra-cuu", "/cong-khai"):
        response = httpx.get(f"{base_url}{path}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="vi">' in response.text
    library = httpx.get(f"{base_url}/static/vendor/chart.umd.min.js")
    assert library.status_code == 200
    assert "Chart.js" in library.text[:200]


def test_graphiql_runs_a_query_offline_under_the_security_policy(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/graphql")
    expect(page.locator(".graphiql-container .graphiql-query-editor")).to_be_visible(timeout=30_000)
    expect(page.locator(".graphiql-query-editor")).to_contain_text("agencies")

    page.locator(".graphiql-execute-button").click()

    result = page.locator(".graphiql-response")
    expect(result).to_contain_text('"agencies"', timeout=30_000)
    expect(result).to_contain_text('"code"')
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "graphiql.png")


def test_the_receipt_and_404_pages_run_under_the_security_policy(
    base_url: str, browser: Browser, page: Page, database: tuple[str, str], server_dir: Path
) -> None:
    dossier = seeded_dossier(database)
    receipt = f"{base_url}/dossiers/{dossier['code']}/receipt"
    # Signed out, a receipt is the one 404 page, like any unknown address.
    for url in (receipt, f"{base_url}/khong-co-trang-nay"):
        response = page.goto(url)
        assert response is not None
        assert response.status == 404
        assert response.headers["x-frame-options"] == "DENY"

    settings = Settings(data_dir=server_dir / "var", mongodb_uri=database[0], dev_mode=True)
    token = issue_token(
        settings, "officer:reception", sub="desk", agency=dossier["receiving_agency_code"]
    )
    context = browser.new_context(
        viewport=DESKTOP, locale="vi-VN", extra_http_headers={"authorization": f"Bearer {token}"}
    )
    watch = Watch(context, base_url)
    desk = watch.new_page(context)
    response = desk.goto(receipt)
    assert response is not None
    assert response.status == 200
    expect(desk.locator("h1")).to_have_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    # The style sheet applied: the title is centred, the QR code 30 mm wide.
    assert desk.locator("h1").evaluate("e => getComputedStyle(e).textAlign") == "center"
    box = desk.locator(".qr svg").bounding_box()
    assert box is not None
    assert 100 < box["width"] < 125  # 30 mm at 96 dpi is 113 px
    desk.screenshot(path=server_dir / "receipt.png", full_page=True)  # to look at, not kept
    watch.check()
    context.close()
