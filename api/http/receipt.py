"""The printable receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả).

`GET /dossiers/{code}/receipt` answers an HTML page that the one-stop desk prints and
hands to the applicant. Only those who may see the dossier in GraphQL get it, masked
as GraphQL masks it (api/http/dossier_access.py); everyone else gets one 404 page,
whatever the code. Every interpolated value is escaped; only the fragments built here
(the paper rows, the fee line and the QR code's SVG) are inserted as markup.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from importlib.resources import files
from string import Template
from urllib.parse import urlencode

import qrcode
from qrcode.image.svg import SvgPathImage
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.http.dossier_access import Hidden, find_visible
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure, RequiredPaper
from documents.common.clock import to_local
from documents.dossiers.dossier import ApplicantKind, Dossier
from schema.core.context import Limiter

_MISSING = "—"
_NO_STORE = {"Cache-Control": "no-store"}  # the page carries personal data

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


@dataclass(frozen=True)
class ReceiptData:
    """What the slip shows: the dossier with its procedure and agencies, if they exist."""

    dossier: Dossier
    procedure: Procedure | None
    agency: Agency | None
    parent_agency: Agency | None


async def load_receipt_data(dossier: Dossier) -> ReceiptData:
    """The dossier with its procedure, receiving agency and that agency's parent."""
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    agency = await Agency.find_one(Agency.code == dossier.receiving_agency_code)
    parent = None
    if agency is not None and agency.parent_code is not None:
        parent = await Agency.find_one(Agency.code == agency.parent_code)
    return ReceiptData(dossier, procedure, agency, parent)


def local_time(moment: datetime) -> str:
    """`HH:MM ngày DD/MM/YYYY` in Asia/Ho_Chi_Minh; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_local(moment).strftime("%H:%M ngày %d/%m/%Y")


def money(amount: int) -> str:
    """Vietnamese grouping with dots: 200000 → `200.000 đồng`."""
    return f"{amount:,} đồng".replace(",", ".")


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline `<svg>` element (no Pillow involved)."""
    image = qrcode.make(text, image_factory=SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


@functools.cache
def _template() -> Template:
    source = files("api.http.templates").joinpath("receipt.html").read_text(encoding="utf-8")
    return Template(source)


def _paper_rows(papers: list[RequiredPaper]) -> str:
    if not papers:
        return '        <tr><td colspan="4">Không có giấy tờ kèm theo.</td></tr>'
    rows = []
    for number, paper in enumerate(papers, start=1):
        optional = " <em>(nếu có)</em>" if paper.optional else ""
        rows.append(
            f'        <tr><td class="number">{number}</td>'
            f"<td>{escape(paper.name)}{optional}</td>"
            f'<td class="number">{paper.originals}</td>'
            f'<td class="number">{paper.copies}</td></tr>'
        )
    return "\n".join(rows)


def _agency_line(agency: Agency | None) -> str:
    if agency is None:
        return ""
    return f"{agency.name}, {agency.address}" if agency.address else agency.name


def lookup_url(base_url: str, code: str) -> str:
    """The absolute address of the public look-up page, with the code filled in."""
    return f"{base_url}tra-cuu?{urlencode({'ma': code})}"


def render_receipt(data: ReceiptData, base_url: str) -> str:
    """The slip's HTML. Its QR code encodes the public look-up page's address, and its
    style sheet is addressed absolutely too: front ends fetch the slip with their
    credentials and show it from their own origin."""
    dossier, procedure, agency = data.dossier, data.procedure, data.agency
    applicant = dossier.applicant
    business = applicant.kind is ApplicantKind.BUSINESS
    result_place = (procedure.result_place if procedure else None) or _agency_line(agency)
    text = {
        "code": dossier.code,
        "parent_agency_name": data.parent_agency.name if data.parent_agency else "",
        "agency_name": agency.name if agency else dossier.receiving_agency_code,
        "applicant_title": "Tổ chức" if business else "Ông/Bà",
        "applicant_name": applicant.full_name,
        "id_label": "Mã số thuế" if business else "Số định danh cá nhân",
        "id_number": applicant.id_number,
        "phone": applicant.phone or _MISSING,
        "address": applicant.address or _MISSING,
        "procedure_name": procedure.name if procedure else _MISSING,
        "procedure_code": dossier.procedure_code,
        "processing_days": str(procedure.processing_days) if procedure else _MISSING,
        "received_at": local_time(dossier.received_at),
        "appointment_at": local_time(dossier.appointment_at),
        "result_place": result_place or _MISSING,
        "stylesheet": f"{base_url}static/receipt.css",
    }
    fee_item = ""
    if dossier.fee_due > 0:
        fee_item = f"  <li>Phí, lệ phí phải nộp: {escape(money(dossier.fee_due))}.</li>"
    markup = {
        "paper_rows": _paper_rows(procedure.required_papers if procedure else []),
        "fee_item": fee_item,
        "qr_svg": qr_svg(lookup_url(base_url, dossier.code)),
    }
    escaped = {key: escape(value) for key, value in text.items()}
    return _template().substitute(escaped | markup)


def receipt_route(lookups: Limiter) -> Route:
    """`GET /dossiers/{code}/receipt`, for `create_app` to mount; misses spend
    `lookups` (the public look-up limiter)."""

    async def receipt(request: Request) -> HTMLResponse:
        code: str = request.path_params["code"]
        seen = await find_visible(request, code, lookups)
        if seen is Hidden.RATE_LIMITED:
            return HTMLResponse(_RATE_LIMITED_PAGE, status_code=429, headers=_NO_STORE)
        if seen is Hidden.NOT_FOUND:
            return HTMLResponse(_NOT_FOUND_PAGE, status_code=404, headers=_NO_STORE)
        data = await load_receipt_data(seen.shown)
        page = render_receipt(data, str(request.base_url))
        return HTMLResponse(page, headers=_NO_STORE)

    return Route("/dossiers/{code}/receipt", receipt, methods=["GET"], name="receipt")
