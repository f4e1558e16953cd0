"""The people and places of the demo's sample data: names, personal ID numbers, phones,
addresses with their ward's unit code, all drawn from the `random.Random` passed in and
dated relative to a fixed day, so the same seed always gives the same data."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any

from demo.agencies import AGENCY_ROWS

# Samples are dated relative to this day rather than the clock, to stay deterministic.
REFERENCE_DAY = date(2025, 11, 3)
HANOI_PROVINCE_CODE = "001"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = {
    "MALE": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Tuấn", "Gia"],
    "FEMALE": ["Thị", "Thu", "Ngọc", "Thanh", "Phương", "Minh", "Hải", "Khánh"],
}
GIVEN = {
    "MALE": ["An", "Dũng", "Hùng", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tùng", "Khoa"],
    "FEMALE": ["Hà", "Hương", "Lan", "Linh", "Ngọc", "Nhung", "Thảo", "Trang", "Vy", "Yến", "Hằng"],
}
ETHNICITIES = ["Kinh"] * 8 + ["Mường", "Tày", "Thái", "Dao"]
# Streets paired with the ward or commune they are in (after the 2025 reorganisation).
STREETS = [
    ("phố Hàng Bạc", "Phường Hoàn Kiếm"),
    ("phố Hàng Gai", "Phường Hoàn Kiếm"),
    ("phố Phan Đình Phùng", "Phường Ba Đình"),
    ("phố Đội Cấn", "Phường Ba Đình"),
    ("phố Nguyễn Khánh Toàn", "Phường Cầu Giấy"),
    ("phố Trần Đăng Ninh", "Phường Cầu Giấy"),
    ("đường Quang Trung", "Phường Hà Đông"),
    ("phố Tô Hiệu", "Phường Hà Đông"),
    ("phố Thụy Khuê", "Phường Tây Hồ"),
    ("đường Nguyễn Văn Cừ", "Phường Long Biên"),
]
VILLAGES = [
    ("Thôn Giang Cao", "Xã Bát Tràng"),
    ("Thôn Kim Lan", "Xã Bát Tràng"),
    ("Thôn Đông Xuân", "Xã Sóc Sơn"),
    ("Thôn Thanh Nhàn", "Xã Sóc Sơn"),
    ("Thôn Cổ Bi", "Xã Gia Lâm"),
]
HOSPITALS = [
    "Bệnh viện Phụ sản Hà Nội",
    "Bệnh viện Phụ sản Trung ương",
    "Bệnh viện Bạch Mai",
    "Bệnh viện Đa khoa Hà Đông",
    "Bệnh viện Đa khoa Đức Giang",
    "Trung tâm Y tế khu vực Sóc Sơn",
]


def _pick_sex(rng: random.Random) -> str:
    return rng.choice(["MALE", "FEMALE"])


def _full_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    family = surname or rng.choice(SURNAMES)
    return f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _birth_date(rng: random.Random, youngest: int, oldest: int) -> date:
    """A birthday making the person between `youngest` and `oldest` years old."""
    last = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - youngest)
    first = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - oldest - 1) + timedelta(days=1)
    return _day_between(rng, first, last)


def _id_number(rng: random.Random, born: date, sex: str) -> str:
    """Số định danh cá nhân: province, century-and-sex digit, year of birth, 6 random digits."""
    century = 0 if born.year < 2000 else 2
    digit = century + (1 if sex == "FEMALE" else 0)
    serial = "".join(rng.choice("0123456789") for _ in range(6))
    return f"{HANOI_PROVINCE_CODE}{digit}{born.year % 100:02d}{serial}"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _phone(rng: random.Random) -> str:
    return rng.choice(["09", "03", "08"]) + _digits(rng, 8)


# Today's wards and communes by name: the unit codes forms route by (docs/routing.md).
UNIT_CODES: dict[str, str] = {
    row["name"]: row["unit_code"]
    for row in AGENCY_ROWS
    if row.get("unit_code") and row.get("valid_to") is None
}


def _place(rng: random.Random) -> tuple[str, dict[str, str]]:
    """An address, and its ward or commune as the forms' unit-code field."""
    if rng.random() < 0.75:
        street, ward = rng.choice(STREETS)
        return f"Số {rng.randint(1, 250)} {street}, {ward}, Thành phố Hà Nội", _unit(ward)
    village, commune = rng.choice(VILLAGES)
    return f"{village}, {commune}, Thành phố Hà Nội", _unit(commune)


def _unit(name: str) -> dict[str, str]:
    return {"unitCode": UNIT_CODES[name]}


def _address(rng: random.Random) -> str:
    return _place(rng)[0]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _email(rng: random.Random, full_name: str) -> str:
    parts = full_name.split()
    local = _ascii(parts[-1] + parts[0]) + str(rng.randint(70, 99))
    return f"{local}@{rng.choice(['gmail.com', 'yahoo.com.vn', 'outlook.com'])}"


def _maybe(rng: random.Random, data: dict[str, Any], key: str, value: Any, p: float = 0.5) -> None:
    if rng.random() < p:
        data[key] = value
