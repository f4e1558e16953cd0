"""The demo procedures that only the interconnected groups add (Decree 63/2024/NĐ-CP):
permanent residence registration and its removal, a health-insurance card for a child
under 6, death registration, the funeral allowance and the survivor benefit.

Birth registration is the single procedure `1.001193` of demo/catalogue.py. Codes other
than the existing ones, time limits and fees are illustrative, not checked against the
national procedure database (docs/groups.md, "The demo groups")."""

from __future__ import annotations

from typing import Any

from demo.agencies import RESIDENCE_POLICE, SOCIAL_INSURANCE, WARDS_AND_COMMUNES
from demo.procedure_parts import (
    LOCAL_RESULT,
    RESIDENCE,
    copy_paper,
    from_population,
    identity,
    paper,
    steps,
)
from documents.catalogue.procedures import (
    AuthorityRule,
    CompetentAuthority,
    FeeKind,
    FeeSchedule,
    OnlineService,
    RequiredPaper,
    ResultReuse,
)

BIRTH_REGISTRATION = "1.001193"
RESIDENCE_REGISTRATION = "1.004222"
CHILD_HEALTH_INSURANCE = "1.002946"
DEATH_REGISTRATION = "1.000656"
RESIDENCE_REMOVAL = "1.004227"
FUNERAL_ALLOWANCE = "1.001776"
SURVIVOR_BENEFIT = "1.002008"

# The result types a certificate is recorded with; the waiting members reuse it as a paper.
BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE"
DEATH_CERTIFICATE = "DEATH_CERTIFICATE"
# A birth certificate never expires; the child of this group is under 6 anyway.
_SIX_YEARS = 6 * 366


def _fixed(agency: str) -> CompetentAuthority:
    return CompetentAuthority(rule=AuthorityRule.FIXED, agency_code=agency)


def _certificate(slot: str, name: str, result_type: str) -> RequiredPaper:
    """Filled by the certificate the group's first member produced (docs/groups.md)."""
    reuse = ResultReuse(result_type=result_type, max_age_days=_SIX_YEARS)
    return paper(slot, name, optional=True).model_copy(update={"satisfied_by_result": reuse})


_INSURANCE_RESULT = (
    "Bảo hiểm xã hội Thành phố Hà Nội, các điểm tiếp nhận hoặc qua dịch vụ bưu chính công ích"
)
_POLICE_RESULT = "Trả trên ứng dụng VNeID hoặc tại cơ quan công an nơi đăng ký cư trú"

MEMBER_PROCEDURE_ROWS: list[dict[str, Any]] = [
    {
        "code": RESIDENCE_REGISTRATION,
        "name": "Đăng ký thường trú",
        "name_en": "Permanent residence registration",
        "field": "Đăng ký, quản lý cư trú",
        "processing_days": 7,
        "form_key": "residence-registration",
        # By law the commune-level police where the person lives; the demo's routing finds
        # only People's Committees by unit code, so one police unit handles it (docs/groups.md).
        "competent_authority": _fixed(RESIDENCE_POLICE),
        "online_service": OnlineService.FULL,
        "agency_codes": [RESIDENCE_POLICE],
        "steps": steps(0, 5, leader=1, result=1),
        "fee": FeeSchedule(kind=FeeKind.FIXED, amount=20_000),
        "required_papers": [
            paper("declaration", "Tờ khai thay đổi thông tin cư trú (CT01)"),
            _certificate("birthCertificate", "Giấy khai sinh của trẻ", BIRTH_CERTIFICATE),
            paper(
                "householdConsent",
                "Ý kiến đồng ý của chủ hộ, chủ sở hữu chỗ ở hợp pháp (ghi trong tờ khai)",
                optional=True,
            ),
        ],
        "result_place": _POLICE_RESULT,
    },
    {
        "code": CHILD_HEALTH_INSURANCE,
        "name": "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "name_en": "Health-insurance card for a child under 6",
        "field": "Thu bảo hiểm xã hội, bảo hiểm y tế",
        "processing_days": 5,
        "form_key": "child-health-insurance",
        "competent_authority": _fixed(SOCIAL_INSURANCE),
        "online_service": OnlineService.FULL,
        "agency_codes": [SOCIAL_INSURANCE],
        "steps": steps(0, 3, leader=1, result=1),
        # The card of a child under 6 is paid by the State budget: no fee.
        "fee": FeeSchedule(kind=FeeKind.NONE),
        "required_papers": [
            paper("declaration", "Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, y tế"),
            _certificate("birthCertificate", "Giấy khai sinh của trẻ", BIRTH_CERTIFICATE),
        ],
        "result_place": _INSURANCE_RESULT,
    },
    {
        "code": DEATH_REGISTRATION,
        "name": "Thủ tục đăng ký khai tử",
        "name_en": "Death registration",
        "field": "Hộ tịch",
        "processing_days": 1,
        "form_key": "death-registration",
        # The commune or ward where the deceased last lived.
        "competent_authority": RESIDENCE,
        "online_service": OnlineService.FULL,
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": steps(0, 1, leader=0, result=0),
        "fee": FeeSchedule(kind=FeeKind.NONE),  # khai tử đúng hạn: no fee
        "required_papers": [
            paper("declaration", "Tờ khai đăng ký khai tử theo mẫu"),
            paper("deathNotice", "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử"),
            from_population(identity("người đi đăng ký khai tử")),
        ],
        "result_place": LOCAL_RESULT,
    },
    {
        "code": RESIDENCE_REMOVAL,
        "name": "Xóa đăng ký thường trú",
        "name_en": "Removal of permanent residence",
        "field": "Đăng ký, quản lý cư trú",
        "processing_days": 1,
        "form_key": "residence-removal",
        "competent_authority": _fixed(RESIDENCE_POLICE),
        "online_service": OnlineService.FULL,
        "agency_codes": [RESIDENCE_POLICE],
        "steps": steps(0, 1, leader=0, result=0),
        "fee": FeeSchedule(kind=FeeKind.NONE),
        "required_papers": [
            _certificate("deathCertificate", "Trích lục khai tử", DEATH_CERTIFICATE),
            paper("request", "Văn bản đề nghị xóa đăng ký thường trú của thân nhân"),
        ],
        "result_place": _POLICE_RESULT,
    },
    {
        "code": FUNERAL_ALLOWANCE,
        "name": "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "name_en": "Funeral allowance (social assistance)",
        "field": "Bảo trợ xã hội",
        "processing_days": 3,
        "form_key": "funeral-allowance",
        # Social-assistance affairs sit with the commune People's Committee since the
        # 2025 reorganisation (docs/groups.md; not checked).
        "competent_authority": RESIDENCE,
        "online_service": OnlineService.PARTIAL,
        "agency_codes": [*WARDS_AND_COMMUNES],
        "steps": steps(0, 2, leader=1, result=0),
        "fee": FeeSchedule(kind=FeeKind.NONE),
        "required_papers": [
            paper("application", "Tờ khai đề nghị hỗ trợ chi phí mai táng"),
            _certificate("deathCertificate", "Trích lục khai tử", DEATH_CERTIFICATE),
            from_population(identity("người tổ chức mai táng")),
        ],
        "result_place": LOCAL_RESULT,
    },
    {
        "code": SURVIVOR_BENEFIT,
        "name": "Giải quyết hưởng chế độ tử tuất (trợ cấp tuất, trợ cấp mai táng)",
        "name_en": "Survivor benefit (social insurance)",
        "field": "Thực hiện chính sách bảo hiểm xã hội",
        "processing_days": 8,
        "form_key": "survivor-benefit",
        "competent_authority": _fixed(SOCIAL_INSURANCE),
        "online_service": OnlineService.PARTIAL,
        "agency_codes": [SOCIAL_INSURANCE],
        "steps": steps(0, 5, leader=2, result=1),
        "fee": FeeSchedule(kind=FeeKind.NONE),
        "required_papers": [
            paper("declaration", "Tờ khai của thân nhân (Mẫu số 09-HSB)"),
            _certificate("deathCertificate", "Trích lục khai tử", DEATH_CERTIFICATE),
            copy_paper("insuranceBook", "Sổ bảo hiểm xã hội của người chết", optional=True),
        ],
        "result_place": _INSURANCE_RESULT,
    },
]
