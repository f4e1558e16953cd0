"""A guard for browser tests: pages must work offline and within their security policy."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route

# Reported to the page on each violation; the watch reads it back.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Watch:
    """What a browser context tried that the pages must never need: another origin
    (the pages work offline) or anything the Content-Security-Policy refuses."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.base_url = base_url
        self.elsewhere: list[str] = []
        self.refused: list[str] = []
        self.pages: list[Page] = []
        context.route("**/*", self.only_this_server)
        context.add_init_script(RECORD_VIOLATIONS)

    def only_this_server(self, route: Route) -> None:
        url = route.request.url
        if url.startswith((self.base_url + "/", "data:")):
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()

    def new_page(self, context: BrowserContext) -> Page:
        page = context.new_page()
        page.on("console", self.console)
        self.pages.append(page)
        return page

    def console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def check(self) -> None:
        for page in self.pages:
            if not page.is_closed() and page.url.startswith(self.base_url):
                self.refused.extend(page.evaluate("window.__violations || []"))
        assert self.elsewhere == [], f"requests to other origins: {self.elsewhere}"
        assert self.refused == [], f"Content-Security-Policy violations: {self.refused}"
