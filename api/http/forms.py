"""The printable forms of Circular 03/2025/TT-VPCP for one dossier: Mẫu 01–06.

`GET /dossiers/{code}/forms/{number}` (01 … 06) answers the form as an A4 page in
Vietnamese, or as PDF with `?format=pdf` (api/http/printing.py). The rule is the one of
`dossier(code)` and of the receipt: only those who may see the dossier get a page,
masked as GraphQL masks it; to everyone else it does not exist (the one 404 page,
whatever the code; misses spend the public look-up budget). A form that does not apply
to the dossier (Mẫu 05 for a dossier that was not stopped) is a 404 page saying so,
shown only to those who may see the dossier. docs/printable-forms.md lists the forms.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.http import forms_content as content
from api.http.dossier_access import Hidden, find_visible
from api.http.pdf import PdfPrinter
from api.http.printing import (
    bad_input_page,
    message_page,
    not_found_page,
    printed,
    rate_limited_page,
    requested_format,
)
from api.http.receipt import load_receipt_data, receipt_context
from api.http.templating import render
from api.http.tracking_book import tracking_book_route
from api.settings import Settings
from documents.common.errors import ErrorCode
from documents.dossiers.dossier import Dossier
from schema.core.context import Limiter

Builder = Callable[[content.Facts, QueryParams], content.Built]
BUILDERS: dict[str, Builder] = {
    "02": content.supplement_request,
    "03": content.refusal,
    "04": content.apology,
    "05": content.stop_notice,
    "06": content.control_slip,
}
FORMS = ("01", *BUILDERS)
STYLESHEETS = ("forms.css",)


async def _page_of(
    number: str, dossier: Dossier, query: QueryParams, base_url: str
) -> Callable[[bool], str] | content.NotApplicable:
    """How to render form `number` of `dossier` (for the browser or for print)."""
    if number == "01":
        values = receipt_context(await load_receipt_data(dossier), base_url)
        template = "mau-01.html"
    else:
        built = BUILDERS[number](await content.load_facts(dossier), query)
        if isinstance(built, content.NotApplicable):
            return built
        template, values = built

    def page(for_print: bool) -> str:
        return render(
            template, values, base_url=base_url, stylesheets=STYLESHEETS, inline=for_print
        )

    return page


def form_routes(lookups: Limiter, settings: Settings) -> list[Route]:
    """`GET /dossiers/{code}/forms/{number}` and `GET /agencies/{code}/tracking-book`,
    for `create_app` to mount; misses spend `lookups` (the public look-up limiter), PDFs
    are printed by the Chromium that `settings` name."""
    printer = PdfPrinter(settings.chromium_path)

    async def form(request: Request) -> Response:
        code: str = request.path_params["code"]
        number: str = request.path_params["number"]
        seen = await find_visible(request, code, lookups)
        if seen is Hidden.RATE_LIMITED:
            return rate_limited_page()
        if seen is Hidden.NOT_FOUND:
            return not_found_page()
        if number not in FORMS:
            return message_page(
                404,
                "Không có mẫu này",
                "Các mẫu in cho một hồ sơ là Mẫu 01 đến Mẫu 06 (Thông tư 03/2025/TT-VPCP).",
                ErrorCode.NOT_FOUND,
            )
        wanted = requested_format(request, ("html", "pdf"))
        if wanted is None:
            return bad_input_page("Định dạng phải là html hoặc pdf.")
        page = await _page_of(number, seen.shown, request.query_params, str(request.base_url))
        if isinstance(page, content.NotApplicable):
            return message_page(
                404, f"Mẫu {number} không áp dụng cho hồ sơ này", page.reason, ErrorCode.NOT_FOUND
            )
        return await printed(wanted, printer, f"mau-{number}-{seen.dossier.code}.pdf", page)

    return [
        Route("/dossiers/{code}/forms/{number}", form, methods=["GET"], name="form"),
        tracking_book_route(printer),
    ]
