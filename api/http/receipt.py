"""The receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu 01).

`GET /dossiers/{code}/receipt` answers the HTML page that the one-stop desk prints and
hands to the applicant; `/dossiers/{code}/forms/01` is the same form on A4 with a PDF
(api/http/forms.py). Only those who may see the dossier in GraphQL get it, masked as
GraphQL masks it (api/http/dossier_access.py); everyone else gets one 404 page,
whatever the code. The template (templates/mau-01.html) is autoescaped; only the QR
code's SVG, built here, is inserted as markup (`| safe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import qrcode
from qrcode.image.svg import SvgPathImage
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.http.dossier_access import Hidden, find_visible
from api.http.printing import NO_STORE, not_found_page, rate_limited_page
from api.http.templating import MISSING, render
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Applicant, ApplicantKind, Dossier
from documents.workflow.looking_up import papers_handed_in
from schema.core.context import Limiter

FORM_01 = "Mẫu 01"


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


def processing_time(procedure: Procedure) -> str:
    """The legal time as the slip states it: in working hours, days, or within the day."""
    if procedure.processing_hours:
        return f"{procedure.processing_hours} giờ làm việc"
    if procedure.processing_days == 0:
        return "trong ngày làm việc"
    return f"{procedure.processing_days} ngày làm việc"


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline `<svg>` element (no Pillow involved)."""
    image = qrcode.make(text, image_factory=SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


def _agency_line(agency: Agency | None) -> str:
    if agency is None:
        return ""
    return f"{agency.name}, {agency.address}" if agency.address else agency.name


def lookup_url(base_url: str, code: str) -> str:
    """The absolute address of the public look-up page, with the code filled in."""
    return f"{base_url}tra-cuu?{urlencode({'ma': code})}"


def applicant_lines(applicant: Applicant) -> dict[str, str]:
    """Who filed, as a receipt names them: a citizen or an organisation."""
    business = applicant.kind is ApplicantKind.BUSINESS
    return {
        "applicant_title": "Tổ chức" if business else "Ông/Bà",
        "applicant_name": applicant.full_name,
        "id_label": "Mã số thuế" if business else "Số định danh cá nhân",
        "id_number": applicant.id_number,
        "phone": applicant.phone or MISSING,
        "address": applicant.address or MISSING,
    }


def receipt_context(data: ReceiptData, base_url: str) -> dict[str, Any]:
    """The slip's values. Its QR code encodes the public look-up page's address."""
    dossier, procedure, agency = data.dossier, data.procedure, data.agency
    result_place = (procedure.result_place if procedure else None) or _agency_line(agency)
    return {
        "form_number": FORM_01,
        "code": dossier.code,
        "parent_agency_name": data.parent_agency.name if data.parent_agency else "",
        "agency_name": agency.name if agency else dossier.receiving_agency_code,
        **applicant_lines(dossier.applicant),
        "procedure_name": procedure.name if procedure else MISSING,
        "procedure_code": dossier.procedure_code,
        "processing_time": processing_time(procedure) if procedure else MISSING,
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "result_place": result_place or MISSING,
        # Not those a national database stood in for (docs/population.md).
        "papers": papers_handed_in(procedure.required_papers, dossier.lookups) if procedure else [],
        "fee_due": dossier.fee_due,
        "qr_svg": qr_svg(lookup_url(base_url, dossier.code)),  # markup: `| safe`
    }


def render_receipt(data: ReceiptData, base_url: str) -> str:
    """The slip's HTML as the desk prints it (A4 or A5: receipt.css forces no size); its
    style sheet is addressed absolutely: front ends fetch the slip with their
    credentials and show it from their own origin."""
    context = receipt_context(data, base_url)
    return render("mau-01.html", context, base_url=base_url, stylesheets=("receipt.css",))


def receipt_route(lookups: Limiter) -> Route:
    """`GET /dossiers/{code}/receipt`, for `create_app` to mount; misses spend
    `lookups` (the public look-up limiter)."""

    async def receipt(request: Request) -> HTMLResponse:
        code: str = request.path_params["code"]
        seen = await find_visible(request, code, lookups)
        if seen is Hidden.RATE_LIMITED:
            return rate_limited_page()
        if seen is Hidden.NOT_FOUND:
            return not_found_page()
        data = await load_receipt_data(seen.shown)
        page = render_receipt(data, str(request.base_url))
        return HTMLResponse(page, headers=NO_STORE)

    return Route("/dossiers/{code}/receipt", receipt, methods=["GET"], name="receipt")
