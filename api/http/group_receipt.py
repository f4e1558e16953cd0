"""The receipt (Mẫu 01) of a group submission (liên thông, docs/groups.md): one slip
for the one submission, listing every member dossier with its agency and appointment.

`GET /groups/{code}/receipt` follows `dossierGroup(code)`: the applicant and whoever may
see one of the members get it; everyone else gets the one 404 page, and each miss
spends the public look-up budget, as on a dossier's receipt (api/http/dossier_access.py).
The applicant's personal data is whole for the applicant and for an officer who handles
a member, masked for the others, as on a dossier's receipt.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.http.dossier_access import lookup_key, principal_of
from api.http.printing import NO_STORE, not_found_page, rate_limited_page
from api.http.receipt import FORM_01, applicant_lines, lookup_url, qr_svg
from api.http.templating import MISSING, local_time, render
from documents.access.groups import owns_group, sees_group
from documents.access.policy import Access, access_for
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Dossier
from documents.dossiers.privacy import mask_applicant
from documents.dossiers.statuses import NOT_STARTED
from documents.groups.definition import ProcedureGroup
from documents.groups.lookup import find_dossier_group, member_dossiers
from documents.groups.progress import allowance
from documents.groups.records import DossierGroup
from schema.core.context import Limiter

WAITING = "sau khi có kết quả của thủ tục liên thông trước"


async def _names(model: type[Agency] | type[Procedure], codes: set[str]) -> dict[str, str]:
    found = await model.find({"code": {"$in": sorted(codes)}}).to_list()
    return {item.code: item.name for item in found}


def _appointment(dossier: Dossier | None) -> str:
    if dossier is None:
        return MISSING
    if dossier.status in NOT_STARTED:  # its clock starts when the result it needs comes
        return WAITING
    return local_time(dossier.appointment_at)


async def group_receipt_context(
    group: DossierGroup, dossiers: dict[str, Dossier], access: Access, base_url: str
) -> dict[str, Any]:
    """The slip's values: the group, its applicant (masked as on a dossier's receipt)
    and one row per member."""
    first = next(iter(dossiers.values()))
    whole = owns_group(access, group) or any(
        access.sees_personal_data(d) for d in dossiers.values()
    )
    applicant = first.applicant if whole else mask_applicant(first.applicant)
    agencies = await _names(
        Agency, {group.receiving_agency_code, *(m.agency_code for m in group.members)}
    )
    procedures = await _names(Procedure, {m.procedure_code for m in group.members})
    desk = await Agency.find_one(Agency.code == group.receiving_agency_code)
    parent = None
    if desk is not None and desk.parent_code is not None:
        parent = await Agency.find_one(Agency.code == desk.parent_code)
    definition = await ProcedureGroup.find_one(ProcedureGroup.code == group.group_code)
    days = allowance(definition, group.verification) if definition else None
    place = f"{desk.name}, {desk.address}" if desk and desk.address else (desk.name if desk else "")
    return {
        "form_number": FORM_01,
        "code": group.code,
        "parent_agency_name": parent.name if parent else "",
        "agency_name": agencies.get(group.receiving_agency_code, group.receiving_agency_code),
        **applicant_lines(applicant),
        "group_name": definition.name if definition else MISSING,
        "group_code": group.group_code,
        "members": [
            {
                "procedure_name": procedures.get(m.procedure_code, MISSING),
                "procedure_code": m.procedure_code,
                "dossier_code": m.dossier_code,
                "agency_name": agencies.get(m.agency_code, m.agency_code),
                "appointment": _appointment(dossiers.get(m.dossier_code)),
            }
            for m in group.members
        ],
        "processing_time": f"{days} ngày làm việc" if days is not None else MISSING,
        "received_at": group.received_at,
        "due_at": group.due_at,
        "result_place": place or MISSING,
        "qr_svg": qr_svg(lookup_url(base_url, group.code)),  # markup: `| safe`
    }


def group_receipt_route(lookups: Limiter) -> Route:
    """`GET /groups/{code}/receipt`, for `create_app` to mount; misses spend `lookups`."""

    async def receipt(request: Request) -> HTMLResponse:
        code: str = request.path_params["code"]
        access = await access_for(principal_of(request))
        group = await find_dossier_group(code) if access.dossier_filter() is not None else None
        dossiers = await member_dossiers(group) if group else {}
        if group is None or not dossiers or not sees_group(access, group, dossiers.values()):
            if not await lookups.allow(lookup_key(request)):
                return rate_limited_page()
            return not_found_page()
        base_url = str(request.base_url)
        context = await group_receipt_context(group, dossiers, access, base_url)
        page = render("mau-01-nhom.html", context, base_url=base_url, stylesheets=("receipt.css",))
        return HTMLResponse(page, headers=NO_STORE)

    return Route("/groups/{code}/receipt", receipt, methods=["GET"], name="group_receipt")
