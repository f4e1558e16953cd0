"""Demo form definitions: one JSON Schema (draft 2020-12) plus display hints per procedure.

Each field is declared once, as `name: (schema, label_vi, label_en)`; the schema's
`properties` and the hints' labels are both derived from that table, so they cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from documents.catalogue.forms.definition import DisplayHints, FieldHint

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# The applicant-profile attributes a field may be pre-filled from.
PROFILE_ATTRIBUTES = ("fullName", "birthDate", "address", "phone", "email")

Spec = tuple[dict[str, Any], str, str]


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: str
    json_schema: dict[str, Any]
    hints: DisplayHints


@dataclass(frozen=True)
class _Group:
    """A nested object field (e.g. one party of a marriage)."""

    label_vi: str
    label_en: str
    fields: Mapping[str, Spec]
    required: str


def _text(max_length: int = 200) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length}


def _date() -> dict[str, Any]:
    return {"type": "string", "format": "date"}


def _id() -> dict[str, Any]:
    """Số định danh cá nhân: 12 digits, the first three the province of birth registration."""
    return {"type": "string", "pattern": r"^\d{12}$"}


def _phone() -> dict[str, Any]:
    return {"type": "string", "pattern": r"^0\d{9}$"}


def _email() -> dict[str, Any]:
    return {"type": "string", "format": "email", "maxLength": 254}


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _int(minimum: int, maximum: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _positive(maximum: float | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number", "exclusiveMinimum": 0}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _digits(most: int) -> dict[str, Any]:
    return {"type": "string", "pattern": rf"^\d{{1,{most}}}$"}


def _bool() -> dict[str, Any]:
    return {"type": "boolean"}


def _unit(label_vi: str, label_en: str) -> _Group:
    """A commune, ward or special zone by its five-digit administrative-unit code: the
    field a procedure routes the dossier by (docs/routing.md)."""
    code = {"type": "string", "pattern": r"^\d{5}$"}
    fields: dict[str, Spec] = {
        "unitCode": (code, "Mã đơn vị hành chính cấp xã", "Administrative-unit code"),
    }
    return _Group(label_vi, label_en, fields, "unitCode")


def _when_true(flag: str, *needed: str) -> dict[str, Any]:
    """`if flag is true then needed are required`."""
    return {
        "if": {"properties": {flag: {"const": True}}, "required": [flag]},
        "then": {"required": list(needed)},
    }


def _properties(fields: Mapping[str, Spec | _Group]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, spec in fields.items():
        if isinstance(spec, _Group):
            properties[name] = {
                "type": "object",
                "properties": _properties(spec.fields),
                "required": spec.required.split(),
                "additionalProperties": False,
            }
        else:
            properties[name] = spec[0]
    return properties


def _hints(
    fields: Mapping[str, Spec | _Group],
    prefix: str,
    sensitive: set[str],
    profile: Mapping[str, str],
    help_vi: Mapping[str, str],
) -> list[FieldHint]:
    hints: list[FieldHint] = []
    for name, spec in fields.items():
        at = f"{prefix}/{name}"
        vi, en = (spec.label_vi, spec.label_en) if isinstance(spec, _Group) else spec[1:]
        hint = FieldHint(
            pointer=at,
            label_vi=vi,
            label_en=en,
            sensitive=at in sensitive,
            profile_attribute=profile.get(at),
            help_vi=help_vi.get(at),
        )
        hints.append(hint)
        if isinstance(spec, _Group):
            hints.extend(_hints(spec.fields, at, sensitive, profile, help_vi))
    return hints


def _form(
    key: str,
    title: str,
    fields: Mapping[str, Spec | _Group],
    required: str,
    *,
    sensitive: str,
    profile: Mapping[str, str],
    help_vi: Mapping[str, str] | None = None,
    **keywords: Any,
) -> FormDefinition:
    """Build one form; `required` and `sensitive` are space-separated names and pointers."""
    schema = {
        "$schema": DRAFT_2020_12,
        "title": title,
        "type": "object",
        "properties": _properties(fields),
        "required": required.split(),
        "additionalProperties": False,
        **keywords,
    }
    hints = _hints(fields, "", set(sensitive.split()), profile, help_vi or {})
    known = {hint.pointer for hint in hints}
    stray = (set(sensitive.split()) | set(profile) | set(help_vi or {})) - known
    if stray or not set(profile.values()) <= set(PROFILE_ATTRIBUTES):
        raise ValueError(f"form {key!r}: bad hint pointers or profile attributes {stray}")
    return FormDefinition(key, title, schema, DisplayHints(order=list(fields), fields=hints))


BIRTH = _form(
    "birth-registration",
    "Tờ khai đăng ký khai sinh",
    {
        "childFullName": (_text(100), "Họ, chữ đệm và tên của trẻ", "Child's full name"),
        "childBirthDate": (_date(), "Ngày, tháng, năm sinh", "Date of birth"),
        "childSex": (_enum("MALE", "FEMALE"), "Giới tính", "Sex"),
        "childEthnicity": (_text(50), "Dân tộc", "Ethnicity"),
        "placeOfBirth": (_text(), "Nơi sinh", "Place of birth"),
        "motherFullName": (_text(100), "Họ, chữ đệm và tên người mẹ", "Mother's full name"),
        "motherIdNumber": (_id(), "Số định danh cá nhân của mẹ", "Mother's personal ID number"),
        "fatherFullName": (_text(100), "Họ, chữ đệm và tên người cha", "Father's full name"),
        "fatherIdNumber": (_id(), "Số định danh cá nhân của cha", "Father's personal ID number"),
        "parentAddress": (_text(300), "Nơi cư trú của cha, mẹ", "Parents' residence"),
        "residence": _unit("Xã, phường nơi cư trú của cha, mẹ", "Parents' commune or ward"),
        "sameAsParentAddress": (_bool(), "Trẻ cư trú cùng cha, mẹ", "Child lives with parents"),
        "childResidenceAddress": (_text(300), "Nơi cư trú của trẻ", "Child's residence"),
        "requesterFullName": (_text(100), "Họ và tên người đi đăng ký", "Requester's full name"),
        "requesterRelationship": (
            _enum("MOTHER", "FATHER", "GRANDPARENT", "RELATIVE"),
            "Quan hệ với người được khai sinh",
            "Relationship to the child",
        ),
        "requesterPhone": (_phone(), "Số điện thoại liên hệ", "Contact phone"),
    },
    "childFullName childBirthDate childSex childEthnicity placeOfBirth motherFullName "
    "motherIdNumber parentAddress residence sameAsParentAddress requesterFullName "
    "requesterRelationship",
    sensitive="/motherIdNumber /fatherIdNumber /parentAddress /childResidenceAddress "
    "/residence/unitCode",
    profile={
        "/parentAddress": "address",
        "/requesterFullName": "fullName",
        "/requesterPhone": "phone",
    },
    help_vi={"/fatherFullName": "Bỏ trống nếu chưa xác định được cha"},
    dependentRequired={"fatherFullName": ["fatherIdNumber"]},
    **{
        "if": {"properties": {"sameAsParentAddress": {"const": False}}},
        "then": {"required": ["childResidenceAddress"]},
    },
)


def _party(label_vi: str, label_en: str) -> _Group:
    fields: dict[str, Spec] = {
        "fullName": (_text(100), "Họ, chữ đệm và tên", "Full name"),
        "birthDate": (_date(), "Ngày, tháng, năm sinh", "Date of birth"),
        "ethnicity": (_text(50), "Dân tộc", "Ethnicity"),
        "nationality": (_text(50), "Quốc tịch", "Nationality"),
        "idNumber": (_id(), "Số định danh cá nhân", "Personal ID number"),
        "residence": (_text(300), "Nơi cư trú", "Residence"),
        "marriageCount": (_int(1, 10), "Kết hôn lần thứ mấy", "Which marriage this is"),
    }
    required = "fullName birthDate ethnicity nationality idNumber residence"
    return _Group(label_vi, label_en, fields, required)


MARRIAGE = _form(
    "marriage-registration",
    "Tờ khai đăng ký kết hôn",
    {
        "wife": _party("Bên nữ", "Bride"),
        "husband": _party("Bên nam", "Groom"),
        "residence": _unit(
            "Xã, phường nơi cư trú của một bên nam, nữ", "Commune or ward where one party lives"
        ),
        "requesterPhone": (_phone(), "Số điện thoại liên hệ", "Contact phone"),
        "requesterEmail": (_email(), "Thư điện tử", "Email"),
        "extractCopies": (_int(0, 10), "Số bản sao trích lục yêu cầu", "Certified extracts"),
    },
    "wife husband residence requesterPhone",
    sensitive="/wife/idNumber /wife/residence /husband/idNumber /husband/residence "
    "/residence/unitCode",
    profile={"/requesterPhone": "phone", "/requesterEmail": "email"},
)

JUDICIAL = _form(
    "judicial-record",
    "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
    {
        "fullName": (_text(100), "Họ và tên", "Full name"),
        "otherNames": (_text(100), "Tên gọi khác", "Other names"),
        "sex": (_enum("MALE", "FEMALE"), "Giới tính", "Sex"),
        "birthDate": (_date(), "Ngày, tháng, năm sinh", "Date of birth"),
        "placeOfBirth": (_text(), "Nơi sinh", "Place of birth"),
        "nationality": (_text(50), "Quốc tịch", "Nationality"),
        "idNumber": (_id(), "Số định danh cá nhân", "Personal ID number"),
        "permanentAddress": (_text(300), "Nơi thường trú", "Permanent residence"),
        "phone": (_phone(), "Số điện thoại", "Phone"),
        "email": (_email(), "Thư điện tử", "Email"),
        "certificateType": (_enum("1", "2"), "Loại Phiếu lý lịch tư pháp", "Certificate type"),
        "purpose": (_text(300), "Mục đích sử dụng Phiếu", "Purpose of the certificate"),
        "copies": (_int(1, 10), "Số lượng Phiếu yêu cầu cấp", "Number of copies"),
        "hasResidedAbroad": (_bool(), "Đã từng cư trú ở nước ngoài", "Has lived abroad"),
        "foreignResidence": (_text(300), "Quá trình cư trú ở nước ngoài", "Residence abroad"),
    },
    "fullName sex birthDate placeOfBirth nationality idNumber permanentAddress phone "
    "certificateType purpose copies hasResidedAbroad",
    sensitive="/idNumber /permanentAddress /foreignResidence",
    profile={
        "/fullName": "fullName",
        "/birthDate": "birthDate",
        "/permanentAddress": "address",
        "/phone": "phone",
        "/email": "email",
    },
    help_vi={"/certificateType": "Phiếu số 2 chỉ cấp cho chính người được cấp Phiếu"},
    **_when_true("hasResidedAbroad", "foreignResidence"),
)

_BUSINESS_LINES = {
    "type": "array",
    "items": _text(200),
    "minItems": 1,
    "maxItems": 10,
    "uniqueItems": True,
}

HOUSEHOLD_BUSINESS = _form(
    "household-business",
    "Giấy đề nghị đăng ký hộ kinh doanh",
    {
        "businessName": (_text(150), "Tên hộ kinh doanh", "Business name"),
        "businessAddress": (_text(300), "Địa chỉ trụ sở hộ kinh doanh", "Business address"),
        "businessLocation": _unit("Xã, phường nơi đặt trụ sở", "Commune or ward of the business"),
        "ownerFullName": (_text(100), "Họ và tên chủ hộ kinh doanh", "Owner's full name"),
        "ownerBirthDate": (_date(), "Ngày sinh chủ hộ", "Owner's date of birth"),
        "ownerIdNumber": (_id(), "Số định danh cá nhân chủ hộ", "Owner's personal ID number"),
        "ownerAddress": (_text(300), "Nơi cư trú của chủ hộ", "Owner's residence"),
        "phone": (_phone(), "Điện thoại", "Phone"),
        "email": (_email(), "Thư điện tử", "Email"),
        "businessLines": (_BUSINESS_LINES, "Ngành, nghề kinh doanh", "Business lines"),
        "capital": (_int(1_000_000), "Vốn kinh doanh (đồng)", "Capital (VND)"),
        "employees": (_int(0, 100), "Số lượng lao động", "Number of employees"),
        "taxCode": ({"type": "string", "pattern": r"^\d{10}$"}, "Mã số thuế", "Tax code"),
        "taxOffice": (_text(150), "Cơ quan thuế quản lý", "Tax office"),
    },
    "businessName businessAddress businessLocation ownerFullName ownerBirthDate ownerIdNumber "
    "ownerAddress phone businessLines capital employees",
    sensitive="/ownerIdNumber /ownerAddress",
    profile={
        "/ownerFullName": "fullName",
        "/ownerBirthDate": "birthDate",
        "/ownerAddress": "address",
        "/phone": "phone",
        "/email": "email",
    },
    help_vi={"/taxCode": "Chỉ kê khai nếu hộ kinh doanh đã được cấp mã số thuế"},
    dependentRequired={"taxCode": ["taxOffice"]},
)

CONSTRUCTION = _form(
    "house-construction-permit",
    "Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ",
    {
        "ownerFullName": (_text(100), "Họ và tên chủ đầu tư", "Owner's full name"),
        "ownerIdNumber": (_id(), "Số định danh cá nhân", "Personal ID number"),
        "ownerAddress": (_text(300), "Địa chỉ liên hệ", "Contact address"),
        "phone": (_phone(), "Số điện thoại", "Phone"),
        "siteAddress": (_text(300), "Địa điểm xây dựng", "Construction site"),
        "site": _unit("Xã, phường nơi xây dựng", "Commune or ward of the site"),
        "plotNumber": (_digits(5), "Thửa đất số", "Plot number"),
        "mapSheet": (_digits(4), "Tờ bản đồ số", "Map sheet"),
        "plotArea": (_positive(), "Diện tích lô đất (m²)", "Plot area (m²)"),
        "buildingArea": (_positive(), "Diện tích xây dựng tầng 1 (m²)", "Ground floor area (m²)"),
        "floors": (_int(1, 7), "Số tầng", "Number of floors"),
        "totalFloorArea": (_positive(), "Tổng diện tích sàn (m²)", "Total floor area (m²)"),
        "hasBasement": (_bool(), "Có tầng hầm", "Has a basement"),
        "basementDepth": (_positive(10), "Chiều sâu tầng hầm (m)", "Basement depth (m)"),
        "constructionType": (_enum("NEW", "RENOVATION"), "Loại công trình", "Kind of works"),
        "startDate": (_date(), "Dự kiến ngày khởi công", "Planned start date"),
    },
    "ownerFullName ownerIdNumber ownerAddress phone siteAddress site plotNumber mapSheet plotArea "
    "buildingArea floors totalFloorArea hasBasement constructionType",
    sensitive="/ownerIdNumber /ownerAddress",
    profile={"/ownerFullName": "fullName", "/ownerAddress": "address", "/phone": "phone"},
    help_vi={"/constructionType": "Xây dựng mới (NEW) hoặc sửa chữa, cải tạo (RENOVATION)"},
    **_when_true("hasBasement", "basementDepth"),
)

_LAND_PURPOSES = _enum("ODT", "ONT", "LUC", "CLN", "NTS")
_ORIGINS = _enum("TRANSFERRED", "INHERITED", "GIFTED", "ALLOCATED_BY_STATE", "SELF_RECLAIMED")
# Land received from someone else needs the document of transfer; otherwise the start of use.
TRANSFER_ORIGINS = ["TRANSFERRED", "INHERITED", "GIFTED"]

LAND = _form(
    "land-certificate-first",
    "Đơn đăng ký đất đai, tài sản gắn liền với đất",
    {
        "ownerFullName": (_text(100), "Họ và tên người sử dụng đất", "Land user's full name"),
        "ownerBirthDate": (_date(), "Ngày sinh", "Date of birth"),
        "ownerIdNumber": (_id(), "Số định danh cá nhân", "Personal ID number"),
        "ownerAddress": (_text(300), "Địa chỉ thường trú", "Permanent address"),
        "phone": (_phone(), "Số điện thoại", "Phone"),
        "parcelNumber": (_digits(5), "Thửa đất số", "Parcel number"),
        "mapSheet": (_digits(4), "Tờ bản đồ số", "Map sheet"),
        "parcelAddress": (_text(300), "Địa chỉ thửa đất", "Parcel address"),
        "parcel": _unit("Xã, phường nơi có đất", "Commune or ward of the parcel"),
        "area": (_positive(), "Diện tích (m²)", "Area (m²)"),
        "landUsePurpose": (_LAND_PURPOSES, "Mục đích sử dụng đất", "Land use purpose"),
        "originOfUse": (_ORIGINS, "Nguồn gốc sử dụng đất", "Origin of land use"),
        "originDocument": (_text(300), "Giấy tờ về nguồn gốc", "Document of origin"),
        "usageStartDate": (_date(), "Thời điểm bắt đầu sử dụng đất", "Land use start date"),
        "houseFloorArea": (_positive(), "Diện tích sàn nhà ở (m²)", "House floor area (m²)"),
        "houseFloors": (_int(1, 10), "Số tầng nhà ở", "House floors"),
    },
    "ownerFullName ownerBirthDate ownerIdNumber ownerAddress parcelNumber mapSheet "
    "parcelAddress parcel area landUsePurpose originOfUse",
    sensitive="/ownerIdNumber /ownerAddress",
    profile={
        "/ownerFullName": "fullName",
        "/ownerBirthDate": "birthDate",
        "/ownerAddress": "address",
        "/phone": "phone",
    },
    help_vi={
        "/landUsePurpose": "ODT: đất ở đô thị; ONT: đất ở nông thôn; LUC: đất chuyên trồng lúa; "
        "CLN: đất trồng cây lâu năm; NTS: đất nuôi trồng thủy sản",
        "/originDocument": "Bắt buộc khi nhận chuyển nhượng, thừa kế, tặng cho",
    },
    dependentRequired={"houseFloorArea": ["houseFloors"], "houseFloors": ["houseFloorArea"]},
    **{
        "if": {"properties": {"originOfUse": {"enum": TRANSFER_ORIGINS}}},
        "then": {"required": ["originDocument"]},
        "else": {"required": ["usageStartDate"]},
    },
)

# Chứng thực bản sao: what the requester asks for; the original is shown at the desk.
CERTIFIED_COPY = _form(
    "certified-copy",
    "Yêu cầu chứng thực bản sao từ bản chính",
    {
        "requesterFullName": (_text(100), "Họ và tên người yêu cầu", "Requester's full name"),
        "requesterIdNumber": (_id(), "Số định danh cá nhân", "Personal ID number"),
        "phone": (_phone(), "Số điện thoại", "Phone"),
        "documentName": (_text(200), "Tên giấy tờ, văn bản cần chứng thực", "Document"),
        "issuedBy": (_text(200), "Cơ quan cấp bản chính", "Issued by"),
        "pages": (_int(1, 500), "Số trang của bản chính", "Pages of the original"),
        "copies": (_int(1, 50), "Số bản sao cần chứng thực", "Copies to certify"),
    },
    "requesterFullName requesterIdNumber documentName issuedBy pages copies",
    sensitive="/requesterIdNumber",
    profile={"/requesterFullName": "fullName", "/phone": "phone"},
)

FORMS: list[FormDefinition] = [
    BIRTH,
    MARRIAGE,
    JUDICIAL,
    HOUSEHOLD_BUSINESS,
    CONSTRUCTION,
    LAND,
    CERTIFIED_COPY,
]
FORMS_BY_KEY: dict[str, FormDefinition] = {form.key: form for form in FORMS}


def form_definition(key: str) -> FormDefinition:
    """The demo form with this key; KeyError when there is none."""
    return FORMS_BY_KEY[key]
