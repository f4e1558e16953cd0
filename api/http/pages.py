"""The public web pages: static HTML, CSS and JavaScript that call `/graphql`.

`/tra-cuu` looks a dossier up by its code; `/cong-khai` shows the "3 giảm, 3 tăng"
scoreboard. Nothing is rendered on the server and nothing is built: the files under
`api/http/static/` are served as they are (the charting library is committed, minified,
under `api/http/static/vendor/`).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# The pages change with each release; let browsers revalidate rather than guess.
_REVALIDATE = {"Cache-Control": "no-cache"}


def _page(filename: str) -> Route:
    path = STATIC / filename

    async def endpoint(request: Request) -> FileResponse:
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=_REVALIDATE)

    return Route(f"/{path.stem}", endpoint, methods=["GET", "HEAD"], name=path.stem)


def page_routes() -> list[BaseRoute]:
    """`/tra-cuu`, `/cong-khai` and the `/static` files they load."""
    return [
        _page("tra-cuu.html"),
        _page("cong-khai.html"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
