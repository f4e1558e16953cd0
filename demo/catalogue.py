"""Demo catalogue for Hà Nội: agencies, procedures, and (re-exported) their forms.

Beanie documents cannot be instantiated before `init_beanie` (their `__init__` looks up the
collection), so the catalogue is kept as plain rows; `agencies()` and `procedures()` turn the
rows into documents once Beanie is initialised. Codes, fees and addresses are realistic in
shape but are demo data, not an authoritative copy of the national procedure database.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from demo.forms import FORMS, FORMS_BY_KEY, FormDefinition, form_definition
from documents.catalogue.agencies import Agency, AgencyLevel
from documents.catalogue.procedures import (
    FeeKind,
    FeeRow,
    FeeSchedule,
    OfficerRole,
    Procedure,
    ProcedureStep,
    RequiredPaper,
    ResultReuse,
)

__all__ = [
    "AGENCY_ROWS",
    "FORMS",
    "FORMS_BY_KEY",
    "JUDICIAL_RECORD",
    "PROCEDURE_ROWS",
    "FormDefinition",
    "agencies",
    "form_definition",
    "procedures",
]

CITY = "000.00.00.H26"
CENTRE = "000.00.30.H26"
JUSTICE = "000.00.15.H26"
CONSTRUCTION = "000.00.12.H26"
AGRICULTURE_ENVIRONMENT = "000.00.18.H26"
FINANCE = "000.00.11.H26"
POLICE = "000.00.05.H26"

_HN = "Thành phố Hà Nội"
# The result type judicial record certificates are attached with (`attachResult`).
JUDICIAL_RECORD = "JUDICIAL_RECORD"


def _agency(
    code: str, name: str, name_en: str, level: AgencyLevel, *, parent: str | None, address: str
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "level": level,
        "parent_code": parent,
        "address": f"{address}, {_HN}",
    }


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

# Wards and communes after the 2025 reorganisation: code suffix, name, level, street.
_LOCAL = [
    ("61", "Phường Hoàn Kiếm", AgencyLevel.WARD, "Số 126 phố Hàng Trống"),
    ("62", "Phường Ba Đình", AgencyLevel.WARD, "Số 10 phố Phan Đình Phùng"),
    ("63", "Phường Cầu Giấy", AgencyLevel.WARD, "Số 36 phố Cầu Giấy"),
    ("64", "Phường Hà Đông", AgencyLevel.WARD, "Số 2 phố Hoàng Văn Thụ"),
    ("65", "Phường Tây Hồ", AgencyLevel.WARD, "Số 657 đường Lạc Long Quân"),
    ("66", "Phường Long Biên", AgencyLevel.WARD, "Số 1 phố Vạn Hạnh"),
    ("81", "Xã Sóc Sơn", AgencyLevel.COMMUNE, "Số 6 đường Núi Đôi"),
    ("82", "Xã Bát Tràng", AgencyLevel.COMMUNE, "Thôn Giang Cao"),
    ("83", "Xã Gia Lâm", AgencyLevel.COMMUNE, "Số 1 đường Cổ Bi"),
]


def _english(local_name: str) -> str:
    """`Phường Ba Đình` → `Ba Đình Ward`, `Xã Sóc Sơn` → `Sóc Sơn Commune`."""
    kind, _, place = local_name.partition(" ")
    return f"{place} {'Ward' if kind == 'Phường' else 'Commune'}"


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
            f"000.{n}.30.H26",
            f"Chi nhánh số {int(n)} - khu vực {area}",
            f"Branch No. {int(n)} ({area} area)",
            AgencyLevel.BRANCH,
            parent=CENTRE,
            address=address,
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
        _agency(f"000.00.{n}.H26", vi, _english(vi), level, parent=CITY, address=f"{street}, {vi}")
        for n, vi, level, street in _LOCAL
    ),
]

WARDS_AND_COMMUNES: list[str] = [f"000.00.{n}.H26" for n, *_ in _LOCAL]


def _step(
    key: str, name: str, role: OfficerRole, days: int, agency: str | None = None
) -> ProcedureStep:
    return ProcedureStep(key=key, name=name, role=role, agency_code=agency, working_days=days)


def _steps(
    reception: int, review: int, *middle: ProcedureStep, leader: int, result: int
) -> list[ProcedureStep]:
    """Reception → specialist review (→ further steps) → leader approval → returning the result."""
    return [
        _step("reception", "Tiếp nhận, kiểm tra hồ sơ", OfficerRole.RECEPTION, reception),
        _step("review", "Chuyên viên thẩm định hồ sơ", OfficerRole.SPECIALIST, review),
        *middle,
        _step("approval", "Lãnh đạo phê duyệt, ký kết quả", OfficerRole.LEADER, leader),
        _step("result", "Trả kết quả cho người yêu cầu", OfficerRole.RECEPTION, result),
    ]


def _paper(
    slot: str, name: str, *, originals: int = 1, copies: int = 0, optional: bool = False
) -> RequiredPaper:
    return RequiredPaper(
        slot=slot, name=name, originals=originals, copies=copies, optional=optional
    )


def _copy(slot: str, name: str, *, optional: bool = False) -> RequiredPaper:
    return _paper(slot, name, originals=0, copies=1, optional=optional)


def _identity(whose: str) -> RequiredPaper:
    return _paper(
        "identity",
        f"Căn cước, hộ chiếu hoặc giấy tờ tùy thân có ảnh của {whose} (xuất trình)",
        originals=0,
    )


_LOCAL_RESULT = (
    "Bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi nộp hồ sơ "
    "hoặc qua dịch vụ bưu chính công ích"
)

PROCEDURE_ROWS: list[dict[str, Any]] = [
    {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "name_en": "Birth registration",
        "field": "Hộ tịch",
        "processing_days": 1,
        "form_key": "birth-registration",
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(0, 1, leader=0, result=0),
        # Luật Hộ tịch, Điều 11: khai sinh đúng hạn được miễn lệ phí.
        "fee": FeeSchedule(kind=FeeKind.NONE),
        "required_papers": [
            _paper("declaration", "Tờ khai đăng ký khai sinh theo mẫu"),
            _paper(
                "birthNotice",
                "Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh",
            ),
            _identity("người đi đăng ký khai sinh"),
            _paper(
                "authorisation",
                "Văn bản ủy quyền có chứng thực (nếu ủy quyền đăng ký)",
                optional=True,
            ),
        ],
        "result_place": _LOCAL_RESULT,
    },
    {
        "code": "1.000894",
        "name": "Thủ tục đăng ký kết hôn",
        "name_en": "Marriage registration",
        "field": "Hộ tịch",
        # Same day when nothing needs checking; up to 5 working days when it does.
        "processing_days": 5,
        "form_key": "marriage-registration",
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(0, 4, leader=1, result=0),
        "fee": FeeSchedule(kind=FeeKind.NONE),
        "required_papers": [
            _paper("declaration", "Tờ khai đăng ký kết hôn có chữ ký của hai bên nam, nữ"),
            _identity("hai bên nam, nữ"),
            _paper(
                "maritalStatus",
                "Giấy xác nhận tình trạng hôn nhân (nếu cư trú ở xã, phường khác)",
                optional=True,
            ),
            _copy(
                "divorceRecord",
                "Bản sao bản án, quyết định ly hôn đã có hiệu lực (nếu đã ly hôn)",
                optional=True,
            ),
        ],
        "result_place": "Bộ phận Một cửa của Ủy ban nhân dân xã, phường; hai bên nam, nữ "
        "cùng có mặt để ký Giấy chứng nhận kết hôn",
    },
    {
        "code": "2.000488",
        "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, "
        "người nước ngoài đang cư trú tại Việt Nam",
        "name_en": "Issue of a judicial record certificate",
        "field": "Lý lịch tư pháp",
        "processing_days": 10,
        "form_key": "judicial-record",
        "agency_codes": [JUSTICE],
        "steps": _steps(
            0,
            3,
            _step(
                "police-check",
                "Công an Thành phố tra cứu, xác minh thông tin án tích",
                OfficerRole.SPECIALIST,
                5,
                POLICE,
            ),
            leader=1,
            result=1,
        ),
        "fee": FeeSchedule(kind=FeeKind.FIXED, amount=200_000, required_before_return=True),
        "required_papers": [
            _paper(
                "declaration", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)"
            ),
            _copy("identityCopy", "Bản chụp Căn cước hoặc hộ chiếu của người được cấp Phiếu"),
            _paper(
                "authorisation",
                "Văn bản ủy quyền (chỉ với Phiếu số 1, nếu ủy quyền)",
                optional=True,
            ),
        ],
        "result_place": "Sở Tư pháp Thành phố Hà Nội, các chi nhánh của Trung tâm Phục vụ "
        "hành chính công hoặc qua dịch vụ bưu chính công ích",
    },
    {
        "code": "1.001612",
        "name": "Đăng ký thành lập hộ kinh doanh",
        "name_en": "Household business registration",
        "field": "Thành lập và hoạt động của hộ kinh doanh",
        "processing_days": 3,
        "form_key": "household-business",
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(0, 2, leader=1, result=0),
        "fee": FeeSchedule(kind=FeeKind.FIXED, amount=100_000, required_before_return=True),
        "required_papers": [
            _paper("application", "Giấy đề nghị đăng ký hộ kinh doanh"),
            _copy("ownerIdentity", "Bản sao giấy tờ pháp lý của cá nhân chủ hộ kinh doanh"),
            _paper(
                "familyMeeting",
                "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                optional=True,
            ),
            _copy(
                "premisesContract", "Bản sao hợp đồng thuê, mượn địa điểm kinh doanh", optional=True
            ),
            # Filled from the owner's e-data repository when the Department of Justice
            # issued them a judicial record certificate within 180 days (docs/papers.md).
            RequiredPaper(
                slot="judicialRecord",
                name="Phiếu lý lịch tư pháp của chủ hộ kinh doanh",
                originals=1,
                optional=True,
                satisfied_by_result=ResultReuse(result_type=JUDICIAL_RECORD, max_age_days=180),
            ),
        ],
        "result_place": _LOCAL_RESULT,
    },
    {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ",
        "name_en": "Construction permit for a private house",
        "field": "Hoạt động xây dựng",
        "processing_days": 15,
        "form_key": "house-construction-permit",
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(0, 12, leader=2, result=1),
        "fee": FeeSchedule(
            kind=FeeKind.TABLE,
            field="/constructionType",
            rows=[FeeRow(value="NEW", amount=75_000), FeeRow(value="RENOVATION", amount=50_000)],
            required_before_return=True,
        ),
        "required_papers": [
            _paper("application", "Đơn đề nghị cấp giấy phép xây dựng theo mẫu"),
            _copy("landRights", "Bản sao giấy tờ chứng minh quyền sử dụng đất"),
            _paper(
                "drawings",
                "Bản vẽ thiết kế: mặt bằng, mặt cắt, mặt đứng, móng và đấu nối hạ tầng",
                originals=2,
            ),
            _paper(
                "designerCapacity",
                "Bản kê khai năng lực, kinh nghiệm của đơn vị thiết kế",
                optional=True,
            ),
            _paper(
                "neighbourSafety",
                "Cam kết bảo đảm an toàn công trình liền kề (nhà có tầng hầm)",
                optional=True,
            ),
        ],
        "result_place": _LOCAL_RESULT,
    },
    {
        "code": "1.012767",
        "name": "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, "
        "quyền sở hữu tài sản gắn liền với đất lần đầu",
        "name_en": "First registration of land and issue of the land-use right certificate",
        "field": "Đất đai",
        "processing_days": 20,
        "form_key": "land-certificate-first",
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(
            0,
            8,
            _step(
                "land-registry",
                "Văn phòng đăng ký đất đai thẩm tra, cập nhật hồ sơ địa chính",
                OfficerRole.SPECIALIST,
                8,
                AGRICULTURE_ENVIRONMENT,
            ),
            leader=3,
            result=1,
        ),
        "fee": FeeSchedule(kind=FeeKind.FIXED, amount=25_000, required_before_return=True),
        "required_papers": [
            _paper("application", "Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)"),
            _copy("landDocuments", "Giấy tờ về quyền sử dụng đất (nếu có)", optional=True),
            _paper(
                "assetDrawing",
                "Sơ đồ nhà ở, tài sản gắn liền với đất (nếu đăng ký tài sản)",
                optional=True,
            ),
            _copy(
                "financialDuties", "Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", optional=True
            ),
        ],
        "result_place": "Bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi có đất",
    },
]


def agencies() -> list[Agency]:
    """Fresh Beanie documents for the demo agencies; needs `init_beanie` to have run."""
    return [Agency.model_validate(deepcopy(row)) for row in AGENCY_ROWS]


def procedures() -> list[Procedure]:
    """Fresh Beanie documents for the demo procedures; needs `init_beanie` to have run."""
    return [Procedure.model_validate(deepcopy(row)) for row in PROCEDURE_ROWS]
