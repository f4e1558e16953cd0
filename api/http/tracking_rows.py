"""The rows and columns of the tracking book (Mẫu 07), and its CSV and XLSX files.

One row per dossier, as the caller may see it (masked as GraphQL masks it). The columns
follow the tracking book of the one-stop forms as docs/printable-forms.md describes
them; that page says which were not checked against the text of Circular 03/2025.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook

from api.http.templating import local_date, local_time
from documents.catalogue.procedures import OfficerRole
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import RESOLVED

COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan giải quyết",
    "Ngày nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến nơi giải quyết",
    "Có kết quả giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
)
STATUS_NAMES = {
    "RECEIVED": "Mới tiếp nhận",
    "IN_PROGRESS": "Đang giải quyết",
    "SUPPLEMENT_REQUESTED": "Chờ bổ sung hồ sơ",
    "RESULT_READY": "Có kết quả, chờ trả",
    "RETURNED": "Đã trả kết quả",
    "REFUSED": "Từ chối tiếp nhận",
    "REJECTED": "Từ chối giải quyết",
    "WITHDRAWN": "Rút hồ sơ",
    "STOPPED": "Dừng xử lý",
}
TIMELINESS_NAMES = {
    Timeliness.EARLY: "trước hạn",
    Timeliness.ON_TIME: "đúng hạn",
    Timeliness.LATE: "quá hạn",
}


@dataclass(frozen=True)
class BookRow:
    """One dossier in the book; the moments are None where nothing happened yet."""

    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    handling_agency: str
    received_at: datetime
    appointment_at: datetime
    handed_over_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    notes: str

    def cells(self) -> list[str]:
        """The row as text, in the order of COLUMNS (dates as the forms print them)."""
        return [
            str(self.number),
            self.code,
            self.procedure,
            self.applicant,
            self.contact,
            self.handling_agency,
            local_time(self.received_at),
            local_time(self.appointment_at),
            _day(self.handed_over_at),
            _day(self.result_at),
            _day(self.returned_at),
            self.notes,
        ]


def _day(moment: datetime | None) -> str:
    return local_date(moment) if moment else ""


def handed_over_at(dossier: Dossier) -> datetime | None:
    """When reception gave the dossier on: the first step beyond the reception desk."""
    step = next((s for s in dossier.steps if s.role is not OfficerRole.RECEPTION), None)
    return step.received_at if step else None


def notes(dossier: Dossier) -> str:
    parts = [STATUS_NAMES.get(dossier.status.value, dossier.status.value)]
    if dossier.timeliness is not None:
        parts.append(TIMELINESS_NAMES[dossier.timeliness])
    if dossier.supplements:
        parts.append(f"{len(dossier.supplements)} lần yêu cầu bổ sung")
    if dossier.apology is not None:
        parts.append("có văn bản xin lỗi, gia hạn")
    return "; ".join(parts)


def book_row(
    number: int, dossier: Dossier, procedures: dict[str, str], agencies: dict[str, str]
) -> BookRow:
    applicant = dossier.applicant
    contact = ", ".join(part for part in (applicant.address, applicant.phone) if part)
    return BookRow(
        number=number,
        code=dossier.code,
        procedure=procedures.get(dossier.procedure_code, dossier.procedure_code),
        applicant=applicant.full_name,
        contact=contact,
        handling_agency=agencies.get(dossier.handling_agency_code, dossier.handling_agency_code),
        received_at=dossier.received_at,
        appointment_at=dossier.appointment_at,
        handed_over_at=handed_over_at(dossier),
        # A decision was made (Decision 766's "resolved"); refusals, withdrawals and
        # stops have none, and the notes say what happened.
        result_at=dossier.finished_at if dossier.status in RESOLVED else None,
        returned_at=dossier.returned_at,
        notes=notes(dossier),
    )


def inert(value: str) -> str:
    """A cell a spreadsheet program shows as text, never runs as a formula (an applicant
    may be named `=HYPERLINK(…)`): a leading quote, as OWASP advises for CSV."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_csv(rows: list[BookRow]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Vietnamese."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    writer.writerows([inert(cell) for cell in row.cells()] for row in rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def as_xlsx(rows: list[BookRow], title: str) -> bytes:
    """One sheet: a title line, the column names, one line per dossier; every cell is
    stored as a string, so no value becomes a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Mẫu 07"
    sheet.append([title])
    sheet.append(list(COLUMNS))
    for line, row in enumerate(rows, start=3):
        for column, value in enumerate(row.cells(), start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.data_type = "s"  # openpyxl takes a leading "=" for a formula
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
