"""The dossier tracking book of an agency (sổ theo dõi hồ sơ, Mẫu 07 of Circular 03/2025).

`GET /agencies/{code}/tracking-book?from=YYYY-MM-DD&to=YYYY-MM-DD` lists the dossiers
received at, handled by or worked on at the agency whose local day of receipt falls in
the period (the current month by default), oldest first, as an A4 landscape page, or
`?format=pdf|csv|xlsx`. Only those who may see that agency's dossiers open it: officers
and admins of the agency or of an agency above it, and system admins; to everyone else
the agency has no book (404). Its rows are only dossiers the caller may see (the
`dossiers` query's policy filter), masked as GraphQL masks them. A period longer than
MAX_DAYS or holding more than MAX_ROWS dossiers is refused (400 with an error code).
"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.http.dossier_access import Seen, principal_of
from api.http.downloads import content_disposition
from api.http.errors import error_response
from api.http.pdf import PdfPrinter
from api.http.printing import NO_STORE, bad_input_page, message_page, printed, requested_format
from api.http.templating import render
from api.http.tracking_rows import COLUMNS, BookRow, as_csv, as_xlsx, book_row
from documents.access.policy import Access, access_for
from documents.access.principals import PrincipalKind
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_today
from documents.common.errors import ErrorCode
from documents.common.paging import MAX_PAGE
from documents.common.tolerant import readable
from documents.dossiers.dossier import Dossier
from documents.dossiers.search import DossierFilter, DossierOrder, search

MAX_DAYS = 366
MAX_ROWS = 2000
FORMATS = ("html", "pdf", "csv", "xlsx")
STYLESHEETS = ("forms.css", "tracking-book.css")  # A4 landscape
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadRangeError(ValueError):
    """The period asked for cannot be listed; the message says why, in Vietnamese."""


def may_open(access: Access, agency_code: str) -> bool:
    """System admins; officers and admins whose agencies (theirs and those below) hold it."""
    if access.kind is PrincipalKind.SYSTEM_ADMIN:
        return True
    if access.kind in (PrincipalKind.OFFICER, PrincipalKind.AGENCY_ADMIN):
        return access.agencies is not None and agency_code in access.agencies
    return False


def period(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """`from` and `to`, local days inclusive; by default this month up to today."""
    try:
        start = date.fromisoformat(first) if first else today.replace(day=1)
        end = date.fromisoformat(last) if last else max(today, start)
    except ValueError:
        raise BadRangeError("Ngày phải viết theo dạng YYYY-MM-DD, ví dụ 2025-07-01.") from None
    if end < start:
        raise BadRangeError("Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).")
    if (end - start).days + 1 > MAX_DAYS:
        raise BadRangeError(f"Mỗi lần xem tối đa {MAX_DAYS} ngày; hãy chọn khoảng ngắn hơn.")
    return start, end


async def dossiers_in(
    access: Access, agency_code: str, start: date, end: date
) -> list[Dossier] | None:
    """The book's dossiers, oldest first, page by page; None when over MAX_ROWS."""
    visible = access.dossier_filter()
    if visible is None:
        return []
    spec = DossierFilter(agency_code=agency_code, received_from=start, received_to=end)
    found: list[Dossier] = []
    after = None
    while True:
        page = await search(
            spec, DossierOrder.RECEIVED_AT_ASC, MAX_PAGE, after=after, visible=visible
        )
        # A dossier this version cannot read is left out of the book, as of the list.
        found += [item for item in page.items if isinstance(item, Dossier)]
        if len(found) > MAX_ROWS:
            return None
        if not page.more or page.end is None:
            return found
        after = page.end


async def rows_of(access: Access, dossiers: list[Dossier]) -> list[BookRow]:
    procedure_codes = sorted({d.procedure_code for d in dossiers})
    agency_codes = sorted({d.handling_agency_code for d in dossiers})
    procedures = await readable(Procedure.find({"code": {"$in": procedure_codes}}))
    agencies = await readable(Agency.find({"code": {"$in": agency_codes}}))
    procedure_names = {p.code: p.name for p in procedures}
    agency_names = {a.code: a.name for a in agencies}
    return [
        book_row(number, Seen(dossier, access).shown, procedure_names, agency_names)
        for number, dossier in enumerate(dossiers, start=1)
    ]


def _refused(wanted: str, message: str) -> Response:
    if wanted in ("csv", "xlsx"):  # a program asked: the JSON error shape
        return error_response(400, message, ErrorCode.VALIDATION_FAILED, headers=NO_STORE)
    return bad_input_page(message)


async def _answer(
    request: Request,
    agency: Agency,
    rows: list[BookRow],
    days: tuple[date, date],
    printer: PdfPrinter,
) -> Response:
    start, end = days
    wanted = requested_format(request, FORMATS) or "html"
    filename = f"so-theo-doi-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if wanted in ("csv", "xlsx"):
        title = f"Sổ theo dõi hồ sơ – {agency.name} – từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
        body = as_csv(rows) if wanted == "csv" else as_xlsx(rows, title)
        media = "text/csv; charset=utf-8" if wanted == "csv" else XLSX
        disposition = content_disposition(f"{filename}.{wanted}")
        return Response(
            body, media_type=media, headers=NO_STORE | {"Content-Disposition": disposition}
        )
    parent = None
    if agency.parent_code:
        parent = await Agency.find_one(Agency.code == agency.parent_code)
    values = {
        "form_number": "Mẫu 07",
        "agency_name": agency.name,
        "parent_agency_name": parent.name if parent else "",
        "start": start,
        "end": end,
        "columns": COLUMNS,
        "rows": [row.cells() for row in rows],
    }
    base_url = str(request.base_url)

    def page(for_print: bool) -> str:
        return render(
            "mau-07.html", values, base_url=base_url, stylesheets=STYLESHEETS, inline=for_print
        )

    return await printed(wanted, printer, f"{filename}.pdf", page)


def tracking_book_route(printer: PdfPrinter) -> Route:
    """`GET /agencies/{code}/tracking-book`, for `form_routes` to mount."""

    async def tracking_book(request: Request) -> Response:
        code: str = request.path_params["code"]
        access = await access_for(principal_of(request))
        agency = await Agency.find_one(Agency.code == code) if may_open(access, code) else None
        if agency is None:
            return message_page(
                404,
                "Không tìm thấy sổ theo dõi hồ sơ",
                "Không có cơ quan nào mang mã này mà bạn được xem sổ theo dõi hồ sơ.",
                ErrorCode.NOT_FOUND,
            )
        wanted = requested_format(request, FORMATS)
        if wanted is None:
            return bad_input_page("Định dạng phải là html, pdf, csv hoặc xlsx.")
        query = request.query_params
        try:
            days = period(query.get("from"), query.get("to"), local_today())
        except BadRangeError as error:
            return _refused(wanted, str(error))
        dossiers = await dossiers_in(access, code, *days)
        if dossiers is None:
            return _refused(
                wanted, f"Khoảng ngày này có hơn {MAX_ROWS} hồ sơ; hãy chọn khoảng ngắn hơn."
            )
        return await _answer(request, agency, await rows_of(access, dossiers), days, printer)

    return Route(
        "/agencies/{code}/tracking-book", tracking_book, methods=["GET"], name="tracking_book"
    )
