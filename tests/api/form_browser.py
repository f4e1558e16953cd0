"""Debian's Chromium for the printable-form tests: the browser, and a desk's page that
reaches only the app, opens a form, checks what every form carries and prints it.

Shared by tests/api/test_form_pages.py (the tiny test catalogue) and
tests/api/test_demo_form_pages.py (the demo); a module using `browser` imports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright, expect

from tests.api.form_states import CHROMIUM
from tests.api.pdf_pages import page_sizes
from tests.api.test_pages import CHROMIUM_ARGS, SCREENSHOTS
from tests.browser import RECORD_VIOLATIONS

A4 = (595, 842)
A4_LANDSCAPE = (842, 595)
# About an A4 sheet's width at 96 dpi: the screenshots stay small.
VIEWPORT = {"width": 820, "height": 1100}


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


class Desk:
    """A browser page of a desk that reaches only the app; `issuer` is the agency the
    forms' header names unless `open` is told another."""

    def __init__(self, page: Page, base: str, issuer: str | None = None) -> None:
        self.page, self.base, self.issuer = page, base, issuer
        self.elsewhere: list[str] = []

    async def only_the_app(self, route: Route) -> None:
        if route.request.url.startswith((self.base + "/", "data:")):
            await route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            await route.abort()

    async def open(self, path: str, heading: str, issuer: str | None = None) -> None:
        response = await self.page.goto(self.base + path)
        assert response is not None
        assert response.status == 200, await response.text()
        await expect(self.page.locator("h1")).to_have_text(heading)
        await expect(self.page.locator(".form-number")).to_be_visible()
        header = self.page.locator(".header")
        await expect(header).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        await expect(header).to_contain_text("Độc lập - Tự do - Hạnh phúc")
        if issuer or self.issuer:
            await expect(header).to_contain_text(issuer or self.issuer or "", ignore_case=True)
        # The style sheet applied: the title is centred.
        align = await self.page.locator("h1").evaluate("e => getComputedStyle(e).textAlign")
        assert align == "center"

    async def printed(
        self, name: str | None, size: tuple[int, int] = A4, pages: int | None = 1
    ) -> None:
        """Prints the page to PDF: `pages` pages of `size` (any number when None); saves
        a screenshot as docs/screenshots/`name`.png when named."""
        pdf = await self.page.pdf(format="A4", prefer_css_page_size=True)
        sizes = page_sizes(pdf)
        if pages is None:
            assert sizes
            assert set(sizes) == {size}
        else:
            assert sizes == [size] * pages
        if name is not None:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    async def check(self) -> None:
        violations = await self.page.evaluate("window.__violations || []")
        assert violations == [], f"Content-Security-Policy violations: {violations}"
        assert self.elsewhere == [], f"requests to other origins: {self.elsewhere}"


@asynccontextmanager
async def desk_at(
    browser: Browser, base: str, headers: dict[str, str], issuer: str | None = None
) -> AsyncIterator[Desk]:
    """A Vietnamese browser context sending `headers` (a bearer token), offline but for
    the app at `base`, recording Content-Security-Policy violations; checked on exit."""
    context = await browser.new_context(
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale="vi-VN",
        extra_http_headers=headers,
    )
    try:
        await context.add_init_script(RECORD_VIOLATIONS)
        page = await context.new_page()
        watched = Desk(page, base, issuer)
        await context.route("**/*", watched.only_the_app)
        yield watched
        await watched.check()
    finally:
        await context.close()
