"""Demo forms of the procedures the interconnected groups add (demo/group_procedures.py).

A certificate number a member waits for (`/birthCertificateNumber`,
`/deathCertificateNumber`) is optional here: in a group it is filled in from the first
member's result (docs/groups.md); filed alone, the citizen may give it."""

from __future__ import annotations

from demo.forms import (
    FormDefinition,
    Spec,
    _bool,
    _date,
    _enum,
    _form,
    _id,
    _phone,
    _text,
    _unit,
)

RELATIONSHIPS = ("SPOUSE", "CHILD", "PARENT", "RELATIVE")
BENEFICIARY_CATEGORIES = ("ELDERLY", "SEVERE_DISABILITY", "ORPHAN", "POOR_HOUSEHOLD")


def _certificate(label_vi: str, label_en: str) -> Spec:
    return (_text(50), label_vi, label_en)


def _insurance_number() -> dict[str, str]:
    return {"type": "string", "pattern": r"^\d{10}$"}


def _account() -> dict[str, str]:
    return {"type": "string", "pattern": r"^\d{6,19}$"}


RESIDENCE_REGISTRATION = _form(
    "residence-registration",
    "Tờ khai thay đổi thông tin cư trú (đăng ký thường trú)",
    {
        "birthCertificateNumber": _certificate("Số Giấy khai sinh", "Birth certificate number"),
        "fullName": (_text(100), "Họ, chữ đệm và tên người đăng ký", "Full name"),
        "birthDate": (_date(), "Ngày, tháng, năm sinh", "Date of birth"),
        "sex": (_enum("MALE", "FEMALE"), "Giới tính", "Sex"),
        "residenceAddress": (_text(300), "Địa chỉ nơi đăng ký thường trú", "Residence address"),
        "residence": _unit("Xã, phường nơi đăng ký thường trú", "Commune or ward"),
        "householdHeadFullName": (_text(100), "Họ và tên chủ hộ", "Household head"),
        "householdHeadIdNumber": (_id(), "Số định danh cá nhân của chủ hộ", "Head's ID number"),
        "relationshipToHead": (
            _enum("CHILD", "GRANDCHILD", "OTHER"),
            "Quan hệ với chủ hộ",
            "Relationship to the household head",
        ),
        "requesterFullName": (_text(100), "Họ và tên người kê khai", "Requester's full name"),
        "requesterPhone": (_phone(), "Số điện thoại liên hệ", "Contact phone"),
    },
    "fullName birthDate sex residenceAddress residence householdHeadFullName "
    "householdHeadIdNumber relationshipToHead requesterFullName",
    sensitive="/householdHeadIdNumber /residenceAddress /residence/unitCode",
    profile={"/requesterFullName": "fullName", "/requesterPhone": "phone"},
)

CHILD_HEALTH_INSURANCE = _form(
    "child-health-insurance",
    "Tờ khai tham gia bảo hiểm y tế cho trẻ em dưới 6 tuổi",
    {
        "birthCertificateNumber": _certificate("Số Giấy khai sinh", "Birth certificate number"),
        "childFullName": (_text(100), "Họ, chữ đệm và tên của trẻ", "Child's full name"),
        "childBirthDate": (_date(), "Ngày, tháng, năm sinh", "Date of birth"),
        "childSex": (_enum("MALE", "FEMALE"), "Giới tính", "Sex"),
        "residenceAddress": (_text(300), "Nơi cư trú của trẻ", "Child's residence"),
        "hospital": (_text(200), "Nơi đăng ký khám chữa bệnh ban đầu", "Primary care facility"),
        "guardianFullName": (_text(100), "Họ và tên cha, mẹ hoặc người giám hộ", "Guardian"),
        "guardianIdNumber": (_id(), "Số định danh cá nhân của người giám hộ", "Guardian's ID"),
        "guardianPhone": (_phone(), "Số điện thoại liên hệ", "Contact phone"),
        "cardDelivery": (_enum("AT_DESK", "POST"), "Hình thức nhận thẻ", "Card delivery"),
    },
    "childFullName childBirthDate childSex residenceAddress hospital guardianFullName "
    "guardianIdNumber",
    sensitive="/guardianIdNumber /residenceAddress",
    profile={"/guardianFullName": "fullName", "/guardianPhone": "phone"},
)

DEATH_REGISTRATION = _form(
    "death-registration",
    "Tờ khai đăng ký khai tử",
    {
        "deceasedFullName": (_text(100), "Họ, chữ đệm và tên người chết", "Deceased's name"),
        "deceasedBirthDate": (_date(), "Ngày, tháng, năm sinh", "Date of birth"),
        "deceasedSex": (_enum("MALE", "FEMALE"), "Giới tính", "Sex"),
        "deceasedIdNumber": (_id(), "Số định danh cá nhân của người chết", "Deceased's ID"),
        "dateOfDeath": (_date(), "Ngày chết", "Date of death"),
        "placeOfDeath": (_text(), "Nơi chết", "Place of death"),
        "causeOfDeath": (_text(), "Nguyên nhân chết", "Cause of death"),
        "deceasedAddress": (_text(300), "Nơi cư trú cuối cùng", "Last residence"),
        "residence": _unit("Xã, phường nơi cư trú cuối cùng", "Commune or ward of residence"),
        "requesterFullName": (_text(100), "Họ và tên người đi khai tử", "Requester's name"),
        "requesterIdNumber": (_id(), "Số định danh cá nhân", "Requester's ID number"),
        "requesterRelationship": (
            _enum(*RELATIONSHIPS),
            "Quan hệ với người chết",
            "Relationship to the deceased",
        ),
        "requesterPhone": (_phone(), "Số điện thoại liên hệ", "Contact phone"),
    },
    "deceasedFullName deceasedBirthDate deceasedSex deceasedIdNumber dateOfDeath placeOfDeath "
    "deceasedAddress residence requesterFullName requesterIdNumber requesterRelationship",
    sensitive="/deceasedIdNumber /requesterIdNumber /deceasedAddress /causeOfDeath "
    "/residence/unitCode",
    profile={"/requesterFullName": "fullName", "/requesterPhone": "phone"},
)

RESIDENCE_REMOVAL = _form(
    "residence-removal",
    "Đề nghị xóa đăng ký thường trú",
    {
        "deathCertificateNumber": _certificate("Số Trích lục khai tử", "Death certificate number"),
        "fullName": (_text(100), "Họ và tên người bị xóa đăng ký", "Full name"),
        "idNumber": (_id(), "Số định danh cá nhân", "Personal ID number"),
        "residenceAddress": (_text(300), "Nơi thường trú", "Permanent residence"),
        "requesterFullName": (_text(100), "Họ và tên người đề nghị", "Requester's name"),
        "requesterIdNumber": (_id(), "Số định danh cá nhân người đề nghị", "Requester's ID"),
        "requesterPhone": (_phone(), "Số điện thoại liên hệ", "Contact phone"),
    },
    "fullName idNumber residenceAddress requesterFullName requesterIdNumber",
    sensitive="/idNumber /requesterIdNumber /residenceAddress",
    profile={"/requesterFullName": "fullName", "/requesterPhone": "phone"},
)

FUNERAL_ALLOWANCE = _form(
    "funeral-allowance",
    "Tờ khai đề nghị hỗ trợ chi phí mai táng",
    {
        "deathCertificateNumber": _certificate("Số Trích lục khai tử", "Death certificate number"),
        "deceasedFullName": (_text(100), "Họ và tên người chết", "Deceased's name"),
        "deceasedIdNumber": (_id(), "Số định danh cá nhân của người chết", "Deceased's ID"),
        "dateOfDeath": (_date(), "Ngày chết", "Date of death"),
        "beneficiaryCategory": (
            _enum(*BENEFICIARY_CATEGORIES),
            "Nhóm đối tượng bảo trợ xã hội",
            "Social-assistance category",
        ),
        "deceasedAddress": (_text(300), "Nơi cư trú", "Residence"),
        "residence": _unit("Xã, phường nơi cư trú", "Commune or ward of residence"),
        "organiserFullName": (_text(100), "Họ và tên người tổ chức mai táng", "Organiser"),
        "organiserIdNumber": (_id(), "Số định danh cá nhân", "Organiser's ID number"),
        "organiserPhone": (_phone(), "Số điện thoại", "Phone"),
        "bankAccount": (_account(), "Số tài khoản nhận tiền", "Bank account"),
    },
    "deceasedFullName deceasedIdNumber dateOfDeath beneficiaryCategory deceasedAddress "
    "residence organiserFullName organiserIdNumber",
    sensitive="/deceasedIdNumber /organiserIdNumber /bankAccount /residence/unitCode",
    profile={"/organiserFullName": "fullName", "/organiserPhone": "phone"},
)

SURVIVOR_BENEFIT = _form(
    "survivor-benefit",
    "Tờ khai của thân nhân đề nghị hưởng chế độ tử tuất",
    {
        "deathCertificateNumber": _certificate("Số Trích lục khai tử", "Death certificate number"),
        "deceasedFullName": (_text(100), "Họ và tên người chết", "Deceased's name"),
        "deceasedIdNumber": (_id(), "Số định danh cá nhân của người chết", "Deceased's ID"),
        "socialInsuranceNumber": (_insurance_number(), "Mã số bảo hiểm xã hội", "Insurance no."),
        "dateOfDeath": (_date(), "Ngày chết", "Date of death"),
        "claimantFullName": (_text(100), "Họ và tên thân nhân", "Claimant's name"),
        "claimantIdNumber": (_id(), "Số định danh cá nhân của thân nhân", "Claimant's ID"),
        "claimantRelationship": (_enum(*RELATIONSHIPS), "Quan hệ với người chết", "Relationship"),
        "claimantAddress": (_text(300), "Nơi cư trú của thân nhân", "Claimant's residence"),
        "claimantPhone": (_phone(), "Số điện thoại", "Phone"),
        "monthly": (_bool(), "Đề nghị hưởng trợ cấp tuất hằng tháng", "Monthly benefit"),
        "bankAccount": (_account(), "Số tài khoản nhận tiền", "Bank account"),
    },
    "deceasedFullName deceasedIdNumber socialInsuranceNumber dateOfDeath claimantFullName "
    "claimantIdNumber claimantRelationship claimantAddress monthly",
    sensitive="/deceasedIdNumber /claimantIdNumber /claimantAddress /bankAccount",
    profile={
        "/claimantFullName": "fullName",
        "/claimantAddress": "address",
        "/claimantPhone": "phone",
    },
)

MEMBER_FORMS: list[FormDefinition] = [
    RESIDENCE_REGISTRATION,
    CHILD_HEALTH_INSURANCE,
    DEATH_REGISTRATION,
    RESIDENCE_REMOVAL,
    FUNERAL_ALLOWANCE,
    SURVIVOR_BENEFIT,
]
