"""The tracking book (Mẫu 07) of an agency: who may open it, its rows, CSV, XLSX, PDF."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from openpyxl import load_workbook

from api.http import tracking_book
from api.http.tracking_rows import COLUMNS
from api.settings import Settings
from tests.api import form_states as s
from tests.api.form_states import bearer, needs_chromium
from tests.api.pdf_pages import page_sizes
from tests.catalogue import CITY, OTHER_WARD, WARD

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
BOOK = f"/agencies/{WARD}/tracking-book"


@pytest.fixture
async def states(tiny_catalogue: None) -> s.States:
    found = await s.bring_to_every_state()
    await s.submit_one(day=31)  # in the book: the last day of the period counts whole
    return found


async def test_the_ward_book_lists_its_dossiers_of_the_period_one_row_each(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    response = await http.get(BOOK, params=MARCH, headers=bearer(settings, "officer:reception"))

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert '<div class="form-number">Mẫu 07</div>' in page
    assert "SỔ THEO DÕI HỒ SƠ" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Từ ngày 01/03/2025 đến ngày 31/03/2025 · 8 hồ sơ" in page
    for code in (states.received, states.returned, states.stopped, states.refused):
        assert f"<td>{code}</td>" in page
    assert "/static/tracking-book.css" in page


async def test_the_csv_has_the_form_columns_and_each_dossier_values(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    response = await http.get(
        BOOK, params=MARCH | {"format": "csv"}, headers=bearer(settings, "officer:reception")
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "so-theo-doi-" in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(lines[0]) == COLUMNS
    rows = {line[1]: line for line in lines[1:]}
    assert len(rows) == 8
    returned = rows[states.returned]
    assert returned[0].isdigit()
    assert returned[2] == "Cấp giấy phép thử"
    assert returned[3] == s.APPLICANT_NAME
    assert returned[4] == f"{s.ADDRESS}, {s.PHONE}"  # the desk handles it: unmasked
    assert returned[5] == "UBND Phường Thử"
    assert returned[6] == "09:30 ngày 10/03/2025"
    assert returned[7] == "17:00 ngày 13/03/2025"
    assert returned[8] == "10/03/2025"  # handed over to the review
    assert returned[9] == "11/03/2025"  # the result
    assert returned[10] == "12/03/2025"  # returned to the applicant
    assert returned[11] == "Đã trả kết quả; trước hạn"
    assert rows[states.stopped][11] == "Dừng xử lý"
    assert rows[states.stopped][9] == ""  # stopped: no decision, so no result
    assert rows[states.rejected][9] == "11/03/2025"  # a rejection is a decision
    assert rows[states.received][8:11] == ["", "", ""]
    assert rows[states.supplement][11] == "Chờ bổ sung hồ sơ; 1 lần yêu cầu bổ sung"


async def test_the_xlsx_holds_the_same_rows_and_no_formula(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    tricky = await s.submit_one(name="=HYPERLINK(1)")
    response = await http.get(
        BOOK, params=MARCH | {"format": "xlsx"}, headers=bearer(settings, "system_admin", None)
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "UBND Phường Thử" in lines[0][0]
    assert tuple(lines[1]) == COLUMNS
    by_code = {line[1]: line for line in lines[2:]}
    assert len(by_code) == 9
    assert by_code[states.returned][10] == "12/03/2025"
    assert by_code[tricky][3] == "=HYPERLINK(1)"
    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value]
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula ("f")
    # The system admin handles nothing: personal data masked as GraphQL masks it.
    assert s.PHONE not in json.dumps(lines, ensure_ascii=False)
    csv_text = await http.get(
        BOOK, params=MARCH | {"format": "csv"}, headers=bearer(settings, "system_admin", None)
    )
    assert "'=HYPERLINK(1)" in csv_text.content.decode("utf-8-sig")


async def test_only_officers_and_admins_of_the_agency_or_above_open_it(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    allowed = [
        bearer(settings, "officer:specialist"),
        bearer(settings, "agency_admin", CITY),
        bearer(settings, "officer:leader", CITY),
        bearer(settings, "system_admin", None),
    ]
    for headers in allowed:
        assert (await http.get(BOOK, params=MARCH, headers=headers)).status_code == 200
    refused = [
        bearer(settings, "officer:reception", OTHER_WARD),
        bearer(settings, "applicant", None, id_number=s.APPLICANT_ID),
        {},
    ]
    pages = set()
    for headers in refused:
        response = await http.get(BOOK, params=MARCH, headers=headers)
        assert response.status_code == 404
        pages.add(response.text)
    unknown = await http.get(
        "/agencies/000.99.99.H26/tracking-book", headers=bearer(settings, "system_admin", None)
    )
    assert unknown.status_code == 404
    pages.add(unknown.text)
    assert len(pages) == 1
    assert "Không tìm thấy sổ theo dõi hồ sơ" in pages.pop()
    # Another ward's book does not list this ward's dossiers.
    other = await http.get(
        f"/agencies/{OTHER_WARD}/tracking-book",
        params=MARCH,
        headers=bearer(settings, "officer:reception", OTHER_WARD),
    )
    assert other.status_code == 200
    assert states.received not in other.text
    assert "Không có hồ sơ nào trong khoảng ngày này." in other.text


@pytest.mark.parametrize(
    ("period", "says"),
    [
        ({"from": "2025-13-01", "to": "2025-03-31"}, "YYYY-MM-DD"),
        ({"from": "2025-03-31", "to": "2025-03-01"}, "phải trước hoặc bằng"),
        ({"from": "2024-01-01", "to": "2025-03-31"}, "tối đa 366 ngày"),
    ],
)
async def test_a_bad_or_too_long_period_is_a_typed_400(
    http: httpx.AsyncClient,
    settings: Settings,
    tiny_catalogue: None,
    period: dict[str, str],
    says: str,
) -> None:
    headers = bearer(settings, "officer:reception")
    page = await http.get(BOOK, params=period, headers=headers)
    assert page.status_code == 400
    assert "VALIDATION_FAILED" in page.text
    assert says in page.text
    data = await http.get(BOOK, params=period | {"format": "csv"}, headers=headers)
    assert data.status_code == 400
    error = data.json()["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert says in error["message"]


async def test_more_rows_than_the_cap_is_a_typed_400(
    http: httpx.AsyncClient,
    settings: Settings,
    states: s.States,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tracking_book, "MAX_ROWS", 5)
    response = await http.get(BOOK, params=MARCH, headers=bearer(settings, "officer:reception"))
    assert response.status_code == 400
    assert "hơn 5 hồ sơ" in response.text
    narrow = await http.get(
        BOOK,
        params={"from": "2025-03-31", "to": "2025-03-31"},
        headers=bearer(settings, "officer:reception"),
    )
    assert narrow.status_code == 200
    assert "· 1 hồ sơ" in narrow.text


@needs_chromium
async def test_the_book_prints_on_a4_landscape_pages(
    http: httpx.AsyncClient, settings: Settings, states: s.States
) -> None:
    response = await http.get(
        BOOK, params=MARCH | {"format": "pdf"}, headers=bearer(settings, "officer:reception")
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    sizes = page_sizes(response.content)
    assert sizes  # a book runs over as many pages as its rows need, each A4 landscape
    assert set(sizes) == {(842, 595)}
