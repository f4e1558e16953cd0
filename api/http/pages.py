"""The public web pages: static HTML, CSS and JavaScript that call `/graphql`.

`/tra-cuu` looks a dossier up by its code; `/cong-khai` shows the "3 giảm, 3 tăng"
scoreboard; in development, `GET /graphql` from a browser is GraphiQL. Nothing is
rendered on the server and nothing is built: the files under `api/http/static/` are
served as they are (the charting library and GraphiQL are committed, built, under
`api/http/static/vendor/`), and no page loads anything from another origin or runs an
inline script (api/middleware/security_headers.py sends the policy that says so).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
GRAPHIQL = Path(__file__).parent / "templates" / "graphiql.html"  # not a static file: dev only
# The pages change with each release; let browsers revalidate rather than guess.
_REVALIDATE = {"Cache-Control": "no-cache"}


def _page(filename: str) -> Route:
    path = STATIC / filename

    async def endpoint(request: Request) -> FileResponse:
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=_REVALIDATE)

    return Route(f"/{path.stem}", endpoint, methods=["GET", "HEAD"], name=path.stem)


def graphiql_page() -> Response:
    """GraphiQL from the vendored files, in place of Strawberry's page (a CDN's)."""
    return FileResponse(GRAPHIQL, media_type="text/html; charset=utf-8", headers=_REVALIDATE)


def page_routes() -> list[BaseRoute]:
    """`/tra-cuu`, `/cong-khai` and the `/static` files they load."""
    return [
        _page("tra-cuu.html"),
        _page("cong-khai.html"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
