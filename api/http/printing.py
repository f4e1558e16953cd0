"""The answers the printable pages share: HTML or PDF, and the pages that refuse.

A form or the tracking book is HTML by default and PDF with `?format=pdf` (printed by
api/http/pdf.py). Every answer carries `Cache-Control: no-store` (the pages show personal
data), and every refusal is a small Vietnamese HTML page, never a traceback: one 404 page
for unknown codes and for what the caller may not see (it names no code), 429 when
misses run out, 400 with an error code for bad input, 503 when the PDF cannot be made.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.http.downloads import content_disposition
from api.http.pdf import PdfPrinter, PdfUnavailableError
from api.http.templating import environment
from documents.common.errors import ErrorCode

NO_STORE = {"Cache-Control": "no-store"}
PDF_RETRY_SECONDS = 30

# One page for unknown codes and for dossiers the caller may not see, naming no code.
_NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Không tìm thấy hồ sơ</title></head>
<body>
<h1>Không tìm thấy hồ sơ</h1>
<p>Không có hồ sơ nào mang mã này mà bạn được xem.</p>
</body>
</html>
"""
_RATE_LIMITED_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Quá nhiều yêu cầu</title></head>
<body>
<h1>Quá nhiều yêu cầu</h1>
<p>Bạn đã tra cứu quá nhiều mã hồ sơ không tìm thấy. Vui lòng thử lại sau ít phút.</p>
</body>
</html>
"""


def not_found_page() -> HTMLResponse:
    return HTMLResponse(_NOT_FOUND_PAGE, status_code=404, headers=NO_STORE)


def rate_limited_page() -> HTMLResponse:
    return HTMLResponse(_RATE_LIMITED_PAGE, status_code=429, headers=NO_STORE)


def message_page(
    status: int,
    title: str,
    message: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A small page saying why there is nothing to print; `code` is an ErrorCode."""
    page = (
        environment().get_template("message.html").render(title=title, message=message, code=code)
    )
    return HTMLResponse(page, status_code=status, headers=NO_STORE | (headers or {}))


def bad_input_page(message: str) -> HTMLResponse:
    return message_page(400, "Yêu cầu không hợp lệ", message, ErrorCode.VALIDATION_FAILED)


def requested_format(request: Request, allowed: tuple[str, ...]) -> str | None:
    """`?format=` (html by default), or None when it is not one of `allowed`."""
    wanted = request.query_params.get("format", "html").lower()
    return wanted if wanted in allowed else None


async def printed(
    wanted: str, printer: PdfPrinter, filename: str, page: Callable[[bool], str]
) -> Response:
    """`page(for_print)` as HTML, or printed to PDF when `wanted` is "pdf"."""
    if wanted != "pdf":
        return HTMLResponse(page(False), headers=NO_STORE)
    try:
        pdf = await printer.print(page(True))
    except PdfUnavailableError:
        return message_page(
            503,
            "Chưa tạo được bản PDF",
            "Máy chủ chưa tạo được bản PDF của trang này. Vui lòng thử lại sau, "
            "hoặc mở trang HTML và in từ trình duyệt.",
            ErrorCode.UNAVAILABLE,
            {"Retry-After": str(PDF_RETRY_SECONDS)},
        )
    headers = NO_STORE | {"Content-Disposition": content_disposition(filename)}
    return Response(pdf, media_type="application/pdf", headers=headers)
