"""Realistic, deterministic sample data for the demo forms and applicants.

Everything is drawn from the `random.Random` passed in, and dates are relative to a fixed
day, so the same seed always gives the same data. Optional fields and both branches of
every conditional in the schemas are exercised at random.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from demo.forms import TRANSFER_ORIGINS
from demo.sample_members import MEMBER_GENERATORS
from demo.sample_people import (
    ETHNICITIES,
    HOSPITALS,
    REFERENCE_DAY,
    STREETS,
    VILLAGES,
    _address,
    _ascii,
    _birth_date,
    _day_between,
    _digits,
    _email,
    _full_name,
    _id_number,
    _maybe,
    _phone,
    _pick_sex,
    _place,
    _unit,
)
from documents.dossiers.dossier import Applicant, ApplicantKind

PURPOSES = [
    "Bổ sung hồ sơ xin việc",
    "Hồ sơ xin cấp thị thực lao động",
    "Hồ sơ du học",
    "Hồ sơ đăng ký thành lập doanh nghiệp",
    "Hồ sơ nhận con nuôi",
]
COUNTRIES = ["Nhật Bản", "Hàn Quốc", "Cộng hòa Liên bang Đức", "Úc", "Đài Loan (Trung Quốc)"]
TRADES = [
    ("Phở", "Dịch vụ ăn uống: bán phở, bún, miến"),
    ("Cà phê", "Dịch vụ phục vụ đồ uống: cà phê, giải khát"),
    ("Tạp hóa", "Bán lẻ lương thực, thực phẩm, đồ uống trong cửa hàng tạp hóa"),
    ("Gốm sứ", "Bán lẻ đồ gốm sứ, thủy tinh"),
    ("Sửa xe", "Bảo dưỡng, sửa chữa mô tô, xe máy"),
    ("Salon tóc", "Cắt tóc, làm đầu, gội đầu"),
    ("Văn phòng phẩm", "Bán lẻ sách, báo, văn phòng phẩm"),
]
ORIGIN_DOCUMENTS = {
    "TRANSFERRED": "Hợp đồng chuyển nhượng quyền sử dụng đất",
    "INHERITED": "Văn bản khai nhận di sản thừa kế",
    "GIFTED": "Hợp đồng tặng cho quyền sử dụng đất",
}
TAX_OFFICES = ["Thuế cơ sở 1 Thành phố Hà Nội", "Thuế cơ sở 5 Thành phố Hà Nội"]
COMPANY_WORDS = ["Hồng Hà", "Thăng Long", "Kinh Bắc", "Sông Đà", "Tây Hồ", "Phú Thượng"]
COMPANY_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH Thương mại và Dịch vụ"]


def _birth(rng: random.Random) -> dict[str, Any]:
    mother_born = _birth_date(rng, 20, 40)
    mother = _full_name(rng, "FEMALE")
    father_known = rng.random() < 0.85
    father = _full_name(rng, "MALE") if father_known else None
    sex = _pick_sex(rng)
    born = _day_between(rng, REFERENCE_DAY - timedelta(days=60), REFERENCE_DAY)
    data: dict[str, Any] = {
        "childFullName": _full_name(rng, sex, (father or mother).split()[0]),
        "childBirthDate": born.isoformat(),
        "childSex": sex,
        "childEthnicity": rng.choice(ETHNICITIES),
        "placeOfBirth": f"{rng.choice(HOSPITALS)}, Thành phố Hà Nội",
        "motherFullName": mother,
        "motherIdNumber": _id_number(rng, mother_born, "FEMALE"),
        "sameAsParentAddress": rng.random() < 0.7,
    }
    data["parentAddress"], data["residence"] = _place(rng)
    if father is not None:
        data["fatherFullName"] = father
        data["fatherIdNumber"] = _id_number(rng, _birth_date(rng, 22, 45), "MALE")
    if not data["sameAsParentAddress"]:
        data["childResidenceAddress"] = _address(rng)
    relationships = ["MOTHER", "FATHER", "GRANDPARENT", "RELATIVE"] if father else ["MOTHER"]
    relationship = rng.choice(relationships)
    requester = {"MOTHER": mother, "FATHER": father}.get(relationship)
    data["requesterFullName"] = requester or _full_name(rng, _pick_sex(rng))
    data["requesterRelationship"] = relationship
    _maybe(rng, data, "requesterPhone", _phone(rng), 0.8)
    return data


def _party(rng: random.Random, sex: str, youngest: int) -> dict[str, Any]:
    born = _birth_date(rng, youngest, 45)
    party: dict[str, Any] = {
        "fullName": _full_name(rng, sex),
        "birthDate": born.isoformat(),
        "ethnicity": rng.choice(ETHNICITIES),
        "nationality": "Việt Nam",
        "idNumber": _id_number(rng, born, sex),
        "residence": _address(rng),
    }
    _maybe(rng, party, "marriageCount", rng.choice([1, 1, 1, 2]))
    return party


def _marriage(rng: random.Random) -> dict[str, Any]:
    # Luật Hôn nhân và gia đình: women from 18, men from 20.
    data: dict[str, Any] = {
        "wife": _party(rng, "FEMALE", 18),
        "husband": _party(rng, "MALE", 20),
        "requesterPhone": _phone(rng),
    }
    # Registered where either of them lives: here, the bride's ward or commune.
    data["residence"] = _unit(data["wife"]["residence"].split(", ")[-2])
    _maybe(rng, data, "requesterEmail", _email(rng, data["wife"]["fullName"]))
    _maybe(rng, data, "extractCopies", rng.randint(0, 3))
    return data


def _judicial(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    born = _birth_date(rng, 18, 60)
    name = _full_name(rng, sex)
    data: dict[str, Any] = {
        "fullName": name,
        "sex": sex,
        "birthDate": born.isoformat(),
        "placeOfBirth": rng.choice(["Hà Nội", "Nam Định", "Thái Bình", "Hưng Yên", "Bắc Ninh"]),
        "nationality": "Việt Nam",
        "idNumber": _id_number(rng, born, sex),
        "permanentAddress": _address(rng),
        "phone": _phone(rng),
        "certificateType": rng.choice(["1", "2"]),
        "purpose": rng.choice(PURPOSES),
        "copies": rng.randint(1, 3),
        "hasResidedAbroad": rng.random() < 0.4,
    }
    _maybe(rng, data, "otherNames", _full_name(rng, sex), 0.1)
    _maybe(rng, data, "email", _email(rng, name), 0.7)
    if data["hasResidedAbroad"]:
        start = rng.randint(2005, 2020)
        country = rng.choice(COUNTRIES)
        data["foreignResidence"] = f"{country}, từ năm {start} đến năm {start + rng.randint(1, 4)}"
    return data


def _household_business(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    born = _birth_date(rng, 20, 65)
    name = _full_name(rng, sex)
    trades = rng.sample(TRADES, rng.randint(1, 3))
    data: dict[str, Any] = {
        "businessName": f"Hộ kinh doanh {trades[0][0]} {name.split()[-1]}",
        "ownerFullName": name,
        "ownerBirthDate": born.isoformat(),
        "ownerIdNumber": _id_number(rng, born, sex),
        "ownerAddress": _address(rng),
        "phone": _phone(rng),
        "businessLines": [line for _, line in trades],
        "capital": rng.randint(10, 500) * 1_000_000,
        "employees": rng.randint(0, 9),
    }
    data["businessAddress"], data["businessLocation"] = _place(rng)
    _maybe(rng, data, "email", _email(rng, name), 0.6)
    if rng.random() < 0.3:
        data["taxCode"] = "80" + _digits(rng, 8)
        data["taxOffice"] = rng.choice(TAX_OFFICES)
    return data


def _construction(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    born = _birth_date(rng, 25, 70)
    street, ward = rng.choice(STREETS)
    plot = round(rng.uniform(35, 200), 1)
    footprint = round(plot * rng.uniform(0.6, 0.9), 1)
    floors = rng.randint(1, 7)
    basement = rng.random() < 0.25
    data: dict[str, Any] = {
        "ownerFullName": _full_name(rng, sex),
        "ownerIdNumber": _id_number(rng, born, sex),
        "ownerAddress": _address(rng),
        "phone": _phone(rng),
        "siteAddress": f"Số {rng.randint(1, 250)} {street}, {ward}, Thành phố Hà Nội",
        "site": _unit(ward),
        "plotNumber": str(rng.randint(1, 999)),
        "mapSheet": str(rng.randint(1, 60)),
        "plotArea": plot,
        "buildingArea": footprint,
        "floors": floors,
        "totalFloorArea": round(footprint * (floors + (1 if basement else 0)), 1),
        "hasBasement": basement,
        "constructionType": rng.choice(["NEW", "NEW", "RENOVATION"]),
    }
    if basement:
        data["basementDepth"] = round(rng.uniform(2.5, 4.5), 1)
    start = _day_between(
        rng, REFERENCE_DAY + timedelta(days=30), REFERENCE_DAY + timedelta(days=180)
    )
    _maybe(rng, data, "startDate", start.isoformat())
    return data


def _land(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    born = _birth_date(rng, 25, 80)
    village, commune = rng.choice(VILLAGES)
    purpose = rng.choice(["ODT", "ONT", "LUC", "CLN", "NTS"])
    origin = rng.choice([*TRANSFER_ORIGINS, "ALLOCATED_BY_STATE", "SELF_RECLAIMED"])
    data: dict[str, Any] = {
        "ownerFullName": _full_name(rng, sex),
        "ownerBirthDate": born.isoformat(),
        "ownerIdNumber": _id_number(rng, born, sex),
        "ownerAddress": _address(rng),
        "parcelNumber": str(rng.randint(1, 2500)),
        "mapSheet": str(rng.randint(1, 80)),
        "parcelAddress": f"{village}, {commune}, Thành phố Hà Nội",
        "parcel": _unit(commune),
        "area": round(rng.uniform(40, 1500), 1),
        "landUsePurpose": purpose,
        "originOfUse": origin,
    }
    _maybe(rng, data, "phone", _phone(rng), 0.8)
    if origin in TRANSFER_ORIGINS:
        year = rng.randint(1995, 2020)
        data["originDocument"] = f"{ORIGIN_DOCUMENTS[origin]} lập năm {year}"
    else:
        data["usageStartDate"] = _day_between(rng, date(1980, 1, 1), date(2014, 6, 30)).isoformat()
    if purpose in {"ODT", "ONT"} and rng.random() < 0.6:
        data["houseFloors"] = rng.randint(1, 4)
        data["houseFloorArea"] = round(rng.uniform(40, 300), 1)
    return data


def _certified_copy(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    born = _birth_date(rng, 18, 70)
    name = _full_name(rng, sex)
    document, issuer = rng.choice(COPIED_DOCUMENTS)
    data: dict[str, Any] = {
        "requesterFullName": name,
        "requesterIdNumber": _id_number(rng, born, sex),
        "documentName": document,
        "issuedBy": issuer,
        "pages": rng.randint(1, 6),
        "copies": rng.randint(1, 5),
    }
    _maybe(rng, data, "phone", _phone(rng), 0.7)
    return data


COPIED_DOCUMENTS = [
    ("Giấy khai sinh", "Ủy ban nhân dân phường Hoàn Kiếm"),
    ("Bằng tốt nghiệp trung học phổ thông", "Sở Giáo dục và Đào tạo Hà Nội"),
    ("Bằng tốt nghiệp đại học", "Trường Đại học Bách khoa Hà Nội"),
    ("Giấy chứng nhận quyền sử dụng đất", "Sở Tài nguyên và Môi trường Hà Nội"),
    ("Giấy đăng ký xe", "Công an Thành phố Hà Nội"),
]


_GENERATORS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    **MEMBER_GENERATORS,
    "birth-registration": _birth,
    "marriage-registration": _marriage,
    "judicial-record": _judicial,
    "household-business": _household_business,
    "house-construction-permit": _construction,
    "land-certificate-first": _land,
    "certified-copy": _certified_copy,
}


def sample_form_data(form_key: str, rng: random.Random) -> dict[str, Any]:
    """Data that validates against the demo form `form_key`; KeyError for unknown keys."""
    try:
        generate = _GENERATORS[form_key]
    except KeyError:
        raise KeyError(f"no demo form with key {form_key!r}") from None
    return generate(rng)


def sample_applicant(rng: random.Random, kind: ApplicantKind | None = None) -> Applicant:
    """A citizen (12-digit ID number) or business (10-digit tax code) living in Hà Nội."""
    chosen = kind or (ApplicantKind.CITIZEN if rng.random() < 0.8 else ApplicantKind.BUSINESS)
    if chosen is ApplicantKind.BUSINESS:
        words = rng.choice(COMPANY_WORDS)
        return Applicant(
            kind=chosen,
            id_number="01" + _digits(rng, 8),
            full_name=f"{rng.choice(COMPANY_KINDS)} {words}",
            phone="024" + _digits(rng, 8),
            email=f"lienhe@{_ascii(words)}.vn",
            address=_address(rng),
        )
    sex = _pick_sex(rng)
    born = _birth_date(rng, 18, 75)
    name = _full_name(rng, sex)
    return Applicant(
        kind=chosen,
        id_number=_id_number(rng, born, sex),
        full_name=name,
        phone=_phone(rng),
        email=_email(rng, name) if rng.random() < 0.6 else None,
        address=_address(rng),
    )
