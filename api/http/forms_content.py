"""What each form of Circular 03/2025/TT-VPCP shows for one dossier (Mẫu 02–06).

Each builder takes the dossier as the caller may see it (masked as GraphQL masks it)
and answers its template and values, or `NotApplicable` with the reason the form does
not apply to the dossier (Mẫu 05 for a dossier that was not stopped, …). The titles
and wording follow the forms as docs/printable-forms.md describes them; where they were
not checked against the Circular's text, that page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams

from api.http.templating import MISSING
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from documents.common.clock import utcnow
from documents.common.tolerant import readable
from documents.dossiers.deadlines import step_result
from documents.dossiers.dossier import ApplicantKind, Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import DossierStatus

TIMELINESS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}


@dataclass(frozen=True)
class NotApplicable:
    """The form does not apply to this dossier, and why (shown to the caller)."""

    reason: str


@dataclass(frozen=True)
class Facts:
    """The dossier with what its forms name: its procedure and every agency it met."""

    dossier: Dossier
    procedure: Procedure | None
    agencies: dict[str, Agency]

    def name(self, code: str | None) -> str:
        if code is None:
            return MISSING
        agency = self.agencies.get(code)
        return agency.name if agency else code

    def header(self, code: str, form_number: str) -> dict[str, Any]:
        """The values every form starts with: the agency that issues it and its parent."""
        agency = self.agencies.get(code)
        parent = self.agencies.get(agency.parent_code) if agency and agency.parent_code else None
        dossier, applicant = self.dossier, self.dossier.applicant
        business = applicant.kind is ApplicantKind.BUSINESS
        return {
            "form_number": form_number,
            "agency_name": self.name(code),
            "parent_agency_name": parent.name if parent else "",
            "code": dossier.code,
            "applicant_title": "Tổ chức" if business else "Ông/Bà",
            "applicant_name": applicant.full_name,
            "id_label": "Mã số thuế" if business else "Số định danh cá nhân",
            "id_number": applicant.id_number,
            "address": applicant.address or MISSING,
            "procedure_name": self.procedure.name if self.procedure else dossier.procedure_code,
            "procedure_code": dossier.procedure_code,
            "received_at": dossier.received_at,
            "receiving_agency_name": self.name(dossier.receiving_agency_code),
            "handling_agency_name": self.name(dossier.handling_agency_code),
        }


async def load_facts(dossier: Dossier) -> Facts:
    """The procedure and, in one query, the agencies of the dossier, its steps and their
    parents (two levels are enough for the headers)."""
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    codes = {dossier.receiving_agency_code, dossier.handling_agency_code}
    for step in dossier.steps:
        codes.add(step.agency_code)
        if step.from_agency_code:
            codes.add(step.from_agency_code)
    found = await readable(Agency.find({"code": {"$in": sorted(codes)}}))
    parents = {a.parent_code for a in found if a.parent_code and a.parent_code not in codes}
    if parents:
        found += await readable(Agency.find({"code": {"$in": sorted(parents)}}))
    return Facts(dossier, procedure, {agency.code: agency for agency in found})


Built = tuple[str, dict[str, Any]] | NotApplicable


def supplement_request(facts: Facts, query: QueryParams) -> Built:
    """Mẫu 02: a round of supplements, the newest unless `?round=N` (1-based)."""
    rounds = facts.dossier.supplements
    if not rounds:
        return NotApplicable("Hồ sơ này chưa có yêu cầu bổ sung, hoàn thiện nào.")
    wanted = query.get("round")
    if wanted is None:
        number = len(rounds)
    elif wanted.isdigit() and 1 <= int(wanted) <= len(rounds):
        number = int(wanted)
    else:
        return NotApplicable(f"Hồ sơ này có {len(rounds)} lần yêu cầu bổ sung, hoàn thiện.")
    asked = rounds[number - 1]
    issuer = facts.dossier.receiving_agency_code
    if not asked.at_reception:
        issuer = facts.dossier.handling_agency_code
    values = facts.header(issuer, "Mẫu 02") | {
        "round_number": number,
        "rounds": len(rounds),
        "requested": asked,
        "at_reception": asked.at_reception,
    }
    return "mau-02.html", values


def refusal(facts: Facts, query: QueryParams) -> Built:
    """Mẫu 03: a dossier refused at reception, or whose resolution was rejected."""
    dossier = facts.dossier
    if dossier.status is DossierStatus.REFUSED:
        issuer, at_reception = dossier.receiving_agency_code, True
    elif dossier.status is DossierStatus.REJECTED:
        issuer, at_reception = dossier.handling_agency_code, False
    else:
        return NotApplicable("Hồ sơ này không bị từ chối tiếp nhận hay từ chối giải quyết.")
    values = facts.header(issuer, "Mẫu 03") | {
        "at_reception": at_reception,
        "reason": dossier.reason or MISSING,
        "refused_at": dossier.finished_at,
    }
    return "mau-03.html", values


def apology(facts: Facts, query: QueryParams) -> Built:
    """Mẫu 04: the apology with the request to extend the time, once issued."""
    dossier = facts.dossier
    if dossier.apology is None:
        return NotApplicable("Hồ sơ này chưa có văn bản xin lỗi và đề nghị gia hạn.")
    values = facts.header(dossier.handling_agency_code, "Mẫu 04") | {
        "apology": dossier.apology,
        "first_appointment_at": dossier.due_at,
    }
    return "mau-04.html", values


def stop_notice(facts: Facts, query: QueryParams) -> Built:
    """Mẫu 05: the notice that processing is stopped, for a stopped dossier."""
    dossier = facts.dossier
    if dossier.status is not DossierStatus.STOPPED:
        return NotApplicable("Hồ sơ này không bị dừng xử lý.")
    values = facts.header(dossier.handling_agency_code, "Mẫu 05") | {
        "reason": dossier.reason or MISSING,
        "stopped_at": dossier.finished_at,
    }
    return "mau-05.html", values


def control_slip(facts: Facts, query: QueryParams) -> Built:
    """Mẫu 06: the process control slip, one row per step the dossier was given to."""
    dossier, now = facts.dossier, utcnow()
    rows = []
    for number, step in enumerate(dossier.steps, start=1):
        result = step_result(step.due_at, step.finished_at, now)
        rows.append(
            {
                "number": number,
                "step_name": step.step_name,
                "from_agency": facts.name(step.from_agency_code) if step.from_agency_code else "",
                "from_user": step.from_user or "",
                "to_agency": facts.name(step.agency_code),
                "to_user": step.assignee or "",
                "received_at": step.received_at,
                "due_at": step.due_at,
                "finished_at": step.finished_at,
                "result": TIMELINESS[result] if result else "",
            }
        )
    values = facts.header(dossier.receiving_agency_code, "Mẫu 06") | {
        "rows": rows,
        "appointment_at": dossier.appointment_at,
    }
    return "mau-06.html", values
