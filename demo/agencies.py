"""The demo agency tree of Hà Nội: today's two-level tree and a slice of the 2024 one.

Since 1 July 2025: the city People's Committee; its departments; the city Public
Administrative Service Centre with numbered branches; wards and communes; and in each of
them a service point of a branch. Before: districts (quận, huyện) over smaller wards and
communes, kept here for history with `valid_to` = 30 June 2025, the old wards merged into
the new ones on 1 July 2025 (docs/agencies.md).

Agency codes follow the national format and unit codes have five digits, but both are
illustrative, not an authoritative copy of the national lists. Rows, not documents:
Beanie documents cannot be built before `init_beanie`.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from documents.catalogue.agencies import (
    LAST_DAY_OF_DISTRICTS,
    TWO_LEVELS_FROM,
    Agency,
    AgencyLevel,
    AgencyState,
)

CITY = "000.00.00.H26"
CENTRE = "000.00.30.H26"
JUSTICE = "000.00.15.H26"
CONSTRUCTION = "000.00.12.H26"
AGRICULTURE_ENVIRONMENT = "000.00.18.H26"
FINANCE = "000.00.11.H26"
POLICE = "000.00.05.H26"
# Sector agencies of the interconnected groups (docs/groups.md, "The demo groups").
RESIDENCE_POLICE = "000.06.05.H26"
SOCIAL_INSURANCE = "000.00.40.H26"

_HN = "Thành phố Hà Nội"


def _agency(
    code: str,
    name: str,
    name_en: str,
    level: AgencyLevel,
    *,
    parent: str | None,
    address: str,
    **history: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "level": level,
        "parent_code": parent,
        "address": f"{address}, {_HN}",
        **history,
    }


def _branch(number: str) -> str:
    return f"000.{number}.30.H26"


# Branches of the centre: number, area served, address.
_BRANCHES = [
    ("01", "Hoàn Kiếm", "Số 52 phố Đinh Tiên Hoàng, Phường Hoàn Kiếm"),
    ("02", "Ba Đình", "Số 25 phố Núi Trúc, Phường Giảng Võ"),
    ("03", "Cầu Giấy", "Số 36 phố Cầu Giấy, Phường Cầu Giấy"),
    ("04", "Hà Đông", "Số 2 phố Hoàng Văn Thụ, Phường Hà Đông"),
    ("05", "Long Biên", "Số 1 phố Vạn Hạnh, Phường Long Biên"),
    ("06", "Sóc Sơn", "Số 6 đường Núi Đôi, Xã Sóc Sơn"),
]

# Departments of the city: code, name, English name, address.
_DEPARTMENTS = [
    (JUSTICE, "Sở Tư pháp", "Department of Justice", "Số 221 đường Trần Phú, Phường Hà Đông"),
    (
        CONSTRUCTION,
        "Sở Xây dựng",
        "Department of Construction",
        "Số 52 phố Lê Đại Hành, Phường Hai Bà Trưng",
    ),
    (
        AGRICULTURE_ENVIRONMENT,
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        "Số 18 phố Huỳnh Thúc Kháng, Phường Láng",
    ),
    (
        FINANCE,
        "Sở Tài chính",
        "Department of Finance (business registration)",
        "Số 16 phố Cát Linh, Phường Ô Chợ Dừa",
    ),
    (POLICE, "Công an", "City Police", "Số 87 phố Trần Hưng Đạo, Phường Cửa Nam"),
]

# Wards and communes since 1 July 2025: code suffix, name, level, unit code, street, and
# the branch whose service point serves them.
_LOCAL = [
    ("61", "Phường Hoàn Kiếm", AgencyLevel.WARD, "00070", "Số 126 phố Hàng Trống", "01"),
    ("62", "Phường Ba Đình", AgencyLevel.WARD, "00004", "Số 10 phố Phan Đình Phùng", "02"),
    ("63", "Phường Cầu Giấy", AgencyLevel.WARD, "00166", "Số 36 phố Cầu Giấy", "03"),
    ("64", "Phường Hà Đông", AgencyLevel.WARD, "09556", "Số 2 phố Hoàng Văn Thụ", "04"),
    ("65", "Phường Tây Hồ", AgencyLevel.WARD, "00091", "Số 657 đường Lạc Long Quân", "02"),
    ("66", "Phường Long Biên", AgencyLevel.WARD, "00145", "Số 1 phố Vạn Hạnh", "05"),
    ("81", "Xã Sóc Sơn", AgencyLevel.COMMUNE, "08980", "Số 6 đường Núi Đôi", "06"),
    ("82", "Xã Bát Tràng", AgencyLevel.COMMUNE, "10183", "Thôn Giang Cao", "05"),
    ("83", "Xã Gia Lâm", AgencyLevel.COMMUNE, "10015", "Số 1 đường Cổ Bi", "05"),
    ("67", "Phường Cửa Nam", AgencyLevel.WARD, "00082", "Số 40 phố Hai Bà Trưng", "01"),
]


def _local(suffix: str) -> str:
    return f"000.00.{suffix}.H26"


def _english(local_name: str) -> str:
    """`Phường Ba Đình` → `Ba Đình Ward`, `Xã Sóc Sơn` → `Sóc Sơn Commune`."""
    kind, _, place = local_name.partition(" ")
    return f"{place} {'Ward' if kind == 'Phường' else 'Commune'}"


# The 2024 tree, for history: district code suffix, name, English name, and its wards or
# communes as (code prefix, name, level, unit code, the new unit it was merged into).
_FORMER = [
    (
        "41",
        "Quận Hoàn Kiếm",
        "Hoàn Kiếm District",
        [
            ("01", "Phường Hàng Trống", AgencyLevel.WARD, "00070", "61"),
            ("02", "Phường Hàng Bạc", AgencyLevel.WARD, "00037", "61"),
            ("03", "Phường Cửa Nam", AgencyLevel.WARD, "00082", "67"),
            ("04", "Phường Trần Hưng Đạo", AgencyLevel.WARD, "00085", "67"),
        ],
    ),
    (
        "42",
        "Quận Ba Đình",
        "Ba Đình District",
        [
            ("01", "Phường Điện Biên", AgencyLevel.WARD, "00004", "62"),
            ("02", "Phường Quán Thánh", AgencyLevel.WARD, "00007", "62"),
        ],
    ),
    (
        "43",
        "Quận Hà Đông",
        "Hà Đông District",
        [
            ("01", "Phường Quang Trung", AgencyLevel.WARD, "09556", "64"),
            ("02", "Phường Nguyễn Trãi", AgencyLevel.WARD, "09552", "64"),
        ],
    ),
    (
        "44",
        "Huyện Sóc Sơn",
        "Sóc Sơn Rural District",
        [
            ("01", "Xã Tiên Dược", AgencyLevel.COMMUNE, "08980", "81"),
            ("02", "Xã Phù Linh", AgencyLevel.COMMUNE, "08983", "81"),
        ],
    ),
]

_NEW = {"valid_from": TWO_LEVELS_FROM}
_ENDED = {"valid_to": LAST_DAY_OF_DISTRICTS}


def _service_point(suffix: str, name: str, unit_street: str, branch: str) -> dict[str, Any]:
    return _agency(
        f"0{suffix}.{branch}.30.H26",
        f"Điểm phục vụ hành chính công {name}",
        f"Service point, {_english(name)}",
        AgencyLevel.SERVICE_POINT,
        parent=_branch(branch),
        address=f"{unit_street}, {name}",
        serves_code=_local(suffix),
        **_NEW,
    )


def _former_unit(
    district: str, prefix: str, name: str, level: AgencyLevel, unit: str, into: str
) -> dict[str, Any]:
    merged = {
        "state": AgencyState.MERGED,
        "merged_into": _local(into),
        "merged_at": TWO_LEVELS_FROM,
    }
    return _agency(
        f"000.{prefix}.{district}.H26",
        name,
        f"{_english(name)} (until 2025)",
        level,
        parent=_local(district),
        address=name,
        unit_code=unit,
        **_ENDED,
        **merged,
    )


AGENCY_ROWS: list[dict[str, Any]] = [
    _agency(
        CITY,
        "Ủy ban nhân dân Thành phố Hà Nội",
        "Hà Nội People's Committee",
        AgencyLevel.CITY,
        parent=None,
        address="Số 79 phố Đinh Tiên Hoàng, Phường Hoàn Kiếm",
    ),
    _agency(
        CENTRE,
        "Trung tâm Phục vụ hành chính công Thành phố Hà Nội",
        "Hà Nội Public Administrative Service Centre",
        AgencyLevel.CENTRE,
        parent=CITY,
        address="Số 258 đường Võ Chí Công, Phường Phú Thượng",
    ),
    *(
        _agency(
            _branch(n),
            f"Chi nhánh số {int(n)} - khu vực {area}",
            f"Branch No. {int(n)} ({area} area)",
            AgencyLevel.BRANCH,
            parent=CENTRE,
            address=address,
            **_NEW,
        )
        for n, area, address in _BRANCHES
    ),
    *(
        _agency(
            code, f"{vi} {_HN}", f"Hà Nội {en}", AgencyLevel.DEPARTMENT, parent=CITY, address=at
        )
        for code, vi, en, at in _DEPARTMENTS
    ),
    *(
        _agency(
            _local(n),
            vi,
            _english(vi),
            level,
            parent=CITY,
            address=f"{street}, {vi}",
            unit_code=unit,
            **_NEW,
        )
        for n, vi, level, unit, street, _ in _LOCAL
    ),
    *(_service_point(n, vi, street, branch) for n, vi, _, _, street, branch in _LOCAL),
    *(
        _agency(
            _local(d),
            name,
            f"{en} (until 2025)",
            AgencyLevel.FORMER_DISTRICT,
            parent=CITY,
            address=name,
            **_ENDED,
        )
        for d, name, en, _ in _FORMER
    ),
    *(_former_unit(d, *unit) for d, _, _, units in _FORMER for unit in units),
    # The city police's residence-management division, and social insurance, whose city
    # office is a branch of the national Vietnam Social Security, not a department.
    _agency(
        RESIDENCE_POLICE,
        "Phòng Cảnh sát quản lý hành chính về trật tự xã hội - Công an Thành phố Hà Nội",
        "Hà Nội Police, Administrative Management of Social Order Division",
        AgencyLevel.SECTOR_AGENCY,
        parent=POLICE,
        address="Số 87 phố Trần Hưng Đạo, Phường Cửa Nam",
        **_NEW,
    ),
    _agency(
        SOCIAL_INSURANCE,
        "Bảo hiểm xã hội Thành phố Hà Nội",
        "Hà Nội Social Security",
        AgencyLevel.SECTOR_AGENCY,
        parent=CITY,
        address="Số 15 phố Trần Bình Trọng, Phường Cửa Nam",
        **_NEW,
    ),
]

# Today's wards and communes, in the order procedures list them.
WARDS_AND_COMMUNES: list[str] = [_local(n) for n, *_ in _LOCAL]


def agencies() -> list[Agency]:
    """Fresh Beanie documents for the demo agencies; needs `init_beanie` to have run."""
    return [Agency.model_validate(deepcopy(row)) for row in AGENCY_ROWS]
