"""Demo catalogue for Hà Nội: procedures, and (re-exported) their agencies and forms.

Beanie documents cannot be instantiated before `init_beanie` (their `__init__` looks up the
collection), so the catalogue is kept as plain rows; `agencies()` and `procedures()` turn the
rows into documents once Beanie is initialised. Codes, fees and addresses are realistic in
shape but are demo data, not an authoritative copy of the national procedure database.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import time
from typing import Any

from demo.agencies import (
    AGENCY_ROWS,
    AGRICULTURE_ENVIRONMENT,
    CENTRE,
    CITY,
    JUSTICE,
    POLICE,
    WARDS_AND_COMMUNES,
    agencies,
)
from demo.forms import FORMS as FORMS_OF_SINGLE_PROCEDURES
from demo.forms import FormDefinition
from demo.group_forms import MEMBER_FORMS
from demo.group_procedures import MEMBER_PROCEDURE_ROWS
from demo.procedure_parts import LOCAL_RESULT as _LOCAL_RESULT
from demo.procedure_parts import RESIDENCE as _RESIDENCE
from demo.procedure_parts import copy_paper as _copy
from demo.procedure_parts import from_population as _from_population
from demo.procedure_parts import identity as _identity
from demo.procedure_parts import located as _located
from demo.procedure_parts import paper as _paper
from demo.procedure_parts import step as _step
from demo.procedure_parts import steps as _steps
from documents.calendar.time_rules import TimeRules
from documents.catalogue.procedures import (
    AuthorityRule,
    CompetentAuthority,
    FeeKind,
    FeeRow,
    FeeSchedule,
    OfficerRole,
    OnlineService,
    Procedure,
    RequiredPaper,
    ResultReuse,
)

__all__ = [
    "AGENCY_ROWS",
    "CENTRE",
    "CITY",
    "FORMS",
    "FORMS_BY_KEY",
    "JUDICIAL_RECORD",
    "PROCEDURE_ROWS",
    "WARDS_AND_COMMUNES",
    "FormDefinition",
    "agencies",
    "form_definition",
    "procedures",
]

# The result type judicial record certificates are attached with (`attachResult`).
JUDICIAL_RECORD = "JUDICIAL_RECORD"

# Every demo form: those of single procedures and those of the interconnected groups'
# members (docs/groups.md).
FORMS: list[FormDefinition] = [*FORMS_OF_SINGLE_PROCEDURES, *MEMBER_FORMS]
FORMS_BY_KEY: dict[str, FormDefinition] = {form.key: form for form in FORMS}


def form_definition(key: str) -> FormDefinition:
    """The demo form with this key; KeyError when there is none."""
    return FORMS_BY_KEY[key]


PROCEDURE_ROWS: list[dict[str, Any]] = [
    {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "name_en": "Birth registration",
        "field": "Hộ tịch",
        "processing_days": 1,
        "form_key": "birth-registration",
        # The People's Committee of the commune or ward where the parents live
        # (docs/routing.md); received at any desk of the city.
        "competent_authority": _RESIDENCE,
        "online_service": OnlineService.FULL,
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
            _from_population(_identity("người đi đăng ký khai sinh")),
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
        "competent_authority": _RESIDENCE,  # where either party lives
        "online_service": OnlineService.PARTIAL,  # both sign in person
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
        "competent_authority": CompetentAuthority(rule=AuthorityRule.FIXED, agency_code=JUSTICE),
        # Illustrative, not a cited rule: this demo's Department desk counts dossiers
        # received until 16:30 from the same day (a per-procedure cut-off, docs/workflow.md).
        "time_rules": TimeRules(cutoff=time(16, 30)),
        "online_service": OnlineService.FULL,
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
            _from_population(
                _copy("identityCopy", "Bản chụp Căn cước hoặc hộ chiếu của người được cấp Phiếu")
            ),
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
        "competent_authority": _located("businessLocation"),
        "online_service": OnlineService.FULL,
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(0, 2, leader=1, result=0),
        "fee": FeeSchedule(kind=FeeKind.FIXED, amount=100_000, required_before_return=True),
        "required_papers": [
            _paper("application", "Giấy đề nghị đăng ký hộ kinh doanh"),
            _from_population(
                _copy("ownerIdentity", "Bản sao giấy tờ pháp lý của cá nhân chủ hộ kinh doanh")
            ),
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
        "competent_authority": _located("site"),
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
        "competent_authority": _located("parcel"),
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
    {
        "code": "2.000815",
        "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có "
        "thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        "name_en": "Certified copy of an original document",
        "field": "Chứng thực",
        # Trả trong ngày: the same day, or the next working day when received after 15:00
        # (the procedure's published time limit; docs/workflow.md). Its own cut-off, so a
        # deployment that moves the city's does not move this one.
        "processing_days": 0,
        "time_rules": TimeRules(cutoff=time(15, 0)),
        "form_key": "certified-copy",
        # Certified where it is asked for: a service point's own ward or commune certifies.
        "competent_authority": CompetentAuthority(rule=AuthorityRule.RECEIVING_AGENCY),
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": _steps(0, 0, leader=0, result=0),
        # Published as 2,000 đ a page, 1,000 đ from the third, at most 200,000 đ a copy; the
        # demo's fee kinds have no per-page rate, so it charges the one-page fee.
        "fee": FeeSchedule(kind=FeeKind.FIXED, amount=2_000),
        "required_papers": [
            _paper(
                "original",
                "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực (xuất trình)",
                originals=0,
            ),
            _copy("copy", "Bản sao cần chứng thực"),
        ],
        "result_place": _LOCAL_RESULT,
    },
    *MEMBER_PROCEDURE_ROWS,
]


def procedures() -> list[Procedure]:
    """Fresh Beanie documents for the demo procedures; needs `init_beanie` to have run."""
    return [Procedure.model_validate(deepcopy(row)) for row in PROCEDURE_ROWS]
