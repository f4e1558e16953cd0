"""Security headers on every response, and pages the strict policy lets run as they are.

The policy allows scripts and styles from this server's files only, so a page with an
inline script, an inline style or an event-handler attribute would break under it: the
pages are checked for those here, and run in Chromium in tests/api/test_pages.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx

from api.authentication import issue_token
from api.middleware.security_headers import security_headers
from api.settings import Settings
from tests.catalogue import WARD
from tests.conftest import BASE_URL, GraphQLClient, running_app
from tests.papers import submit_dossier

HTML = {"accept": "text/html"}
POLICY = security_headers().headers["Content-Security-Policy"]


def assert_secured(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response.url
    assert headers["x-frame-options"] == "DENY", response.url
    assert headers["referrer-policy"] == "no-referrer", response.url
    assert headers["content-security-policy"] == POLICY, response.url


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere() -> None:
    parts = (part.strip().partition(" ") for part in POLICY.split(";"))
    directives = {name: sources for name, _, sources in parts}

    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe" not in POLICY
    assert "http" not in POLICY


class Inline(HTMLParser):
    """Collects what a strict CSP would block in a page, and the addresses it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.loads: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script":
            self._in_script = "src" not in named
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"{tag} {name}={value!r}")
            loaded = name in ("src", "href") and tag != "a"
            if loaded and value and not value.startswith(("#", "data:")):
                self.loads.append(value)
            if value and value.strip().lower().startswith("javascript:"):
                self.blocked.append(f"{tag} {name}={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.blocked.append(f"inline script {data.strip()[:40]!r}")


def inspect(page: str) -> Inline:
    parser = Inline()
    parser.feed(page)
    return parser


async def _receipt_path(gql: GraphQLClient) -> str:
    return f"/dossiers/{(await submit_dossier(gql))['code']}/receipt"


async def test_every_html_page_is_secured_and_has_nothing_inline(
    http: httpx.AsyncClient, gql: GraphQLClient, settings: Settings, tiny_catalogue: None
) -> None:
    officer = issue_token(settings, "officer:reception", sub="desk", agency=WARD)
    receipt = await _receipt_path(gql)
    pages = {
        "/tra-cuu": {},
        "/cong-khai": {},
        receipt: {"authorization": f"Bearer {officer}"},
        "/graphql": HTML,  # GraphiQL: development mode, as the module's settings are
        # The 404 pages: an unknown receipt, an unknown route.
        "/dossiers/000.22.99.H26-250101-0001/receipt": {},
        "/khong-co-trang-nay": HTML,
    }

    for path, headers in pages.items():
        response = await http.get(path, headers=headers)

        assert_secured(response)
        if response.headers["content-type"].startswith("text/html"):
            found = inspect(response.text)
            assert found.blocked == [], (path, found.blocked)
            for address in found.loads:  # this server's, by path or absolute
                assert urlsplit(address).netloc in ("", urlsplit(BASE_URL).netloc), address
    assert (await http.get(receipt, headers=pages[receipt])).status_code == 200


async def test_api_answers_files_and_refusals_are_secured_too(
    http: httpx.AsyncClient, gql: GraphQLClient, tiny_catalogue: None
) -> None:
    answers = [
        await http.post("/graphql", json={"query": "{ __typename }"}),
        await http.post("/graphql", content=b"{", headers={"content-type": "application/json"}),
        await http.post("/graphql", content=b"x", headers={"content-type": "text/plain"}),
        await http.get("/graphql", headers={"authorization": "Bearer nonsense"}),
        await http.get("/static/site.css"),
        await http.get("/static/vendor/graphiql.min.js"),
        await http.get("/dossiers/nothing/attachments/000000000000000000000000"),
    ]

    for response in answers:
        assert_secured(response)


async def test_graphiql_loads_only_files_of_this_server(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers=HTML)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "unpkg" not in page.text
    assert "cdn" not in page.text.lower()
    found = inspect(page.text)
    scripts = [a for a in found.loads if a.endswith(".js")]
    styles = [a for a in found.loads if a.endswith(".css")]
    assert any("graphiql" in s for s in scripts)
    assert any("react-dom" in s for s in scripts)
    assert any("graphiql" in s for s in styles)
    for address in found.loads:
        assert not urlsplit(address).netloc, address
        loaded = await http.get(address)
        assert loaded.status_code == 200, address
        if address.endswith(".css"):
            # Style sheets could pull in more: no @import, no url() of another origin.
            assert "@import" not in loaded.text, address
            assert "url(http" not in loaded.text.replace(" ", ""), address
            assert "url(//" not in loaded.text.replace(" ", ""), address


async def test_graphiql_is_not_served_in_production(settings: Settings) -> None:
    production = settings.model_copy(update={"dev_mode": False, "background_services": False})
    async for _, http in running_app(production):
        page = await http.get("/graphql", headers=HTML)

        assert page.status_code == 404
        assert "GraphiQL" not in page.text
        assert_secured(page)
