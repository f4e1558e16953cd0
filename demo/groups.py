"""The two interconnected groups of Decree 63/2024/NĐ-CP in the demo: birth (birth
registration, permanent residence, a health-insurance card for a child under 6) and death
(death registration, removal of permanent residence, funeral allowance, survivor benefit).

Each has one combined form; every member's form data is derived from it by the member's
mapping (member pointer -> combined pointer), so a fact is entered once. The other
members wait for the certificate the first member issues: its number is filled in from
the result's data `/certificateNumber`, and the certificate is reused as a paper.
Rows, not documents: Beanie documents cannot be built before `init_beanie`."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from demo.forms import DRAFT_2020_12
from demo.group_forms import BENEFICIARY_CATEGORIES, RELATIONSHIPS
from demo.group_procedures import (
    BIRTH_CERTIFICATE,
    BIRTH_REGISTRATION,
    CHILD_HEALTH_INSURANCE,
    DEATH_CERTIFICATE,
    DEATH_REGISTRATION,
    FUNERAL_ALLOWANCE,
    RESIDENCE_REGISTRATION,
    RESIDENCE_REMOVAL,
    SURVIVOR_BENEFIT,
)

BIRTH_GROUP = "LT-KHAISINH"
DEATH_GROUP = "LT-KHAITU"
# Where a waiting member's certificate number comes from in the result's data.
CERTIFICATE_NUMBER = "/certificateNumber"

_TEXT = {"type": "string", "minLength": 1, "maxLength": 200}
_LONG = {"type": "string", "minLength": 1, "maxLength": 300}
_DATE = {"type": "string", "format": "date"}
_ID = {"type": "string", "pattern": r"^\d{12}$"}
_PHONE = {"type": "string", "pattern": r"^0\d{9}$"}
_UNIT = {"type": "string", "pattern": r"^\d{5}$"}
_SEX = {"type": "string", "enum": ["MALE", "FEMALE"]}


def _object(required: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required.split(),
        "additionalProperties": False,
    }


def _combined(title: str, required: str, **properties: Any) -> dict[str, Any]:
    return {"$schema": DRAFT_2020_12, "title": title, **_object(required, **properties)}


def _with(first: str, *others: str) -> list[list[str]]:
    """Every set of two or more members that holds `first`."""
    return [
        [first, *chosen]
        for size in range(1, len(others) + 1)
        for chosen in combinations(others, size)
    ]


def _feed(source: str, target: str, field: str, result_type: str) -> dict[str, Any]:
    return {
        "from_procedure": source,
        "to_procedure": target,
        "fields": {field: CERTIFICATE_NUMBER},
        "result_type": result_type,
    }


_BIRTH_FORM = _combined(
    "Tờ khai liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế",
    "child mother residence requester",
    child=_object(
        "fullName birthDate sex ethnicity placeOfBirth",
        fullName=_TEXT,
        birthDate=_DATE,
        sex=_SEX,
        ethnicity=_TEXT,
        placeOfBirth=_TEXT,
    ),
    mother=_object("fullName idNumber", fullName=_TEXT, idNumber=_ID),
    father=_object("fullName idNumber", fullName=_TEXT, idNumber=_ID),
    # The child is registered where the parents live: one address for both.
    residence=_object(
        "address unitCode livesWithParents",
        address=_LONG,
        unitCode=_UNIT,
        livesWithParents={"type": "boolean", "const": True},
    ),
    householdHead=_object(
        "fullName idNumber relationship",
        fullName=_TEXT,
        idNumber=_ID,
        relationship={"type": "string", "enum": ["CHILD", "GRANDCHILD", "OTHER"]},
    ),
    healthInsurance=_object(
        "hospital", hospital=_TEXT, cardDelivery={"type": "string", "enum": ["AT_DESK", "POST"]}
    ),
    requester=_object(
        "fullName idNumber relationship",
        fullName=_TEXT,
        idNumber=_ID,
        relationship={"type": "string", "enum": ["MOTHER", "FATHER", "GRANDPARENT", "RELATIVE"]},
        phone=_PHONE,
    ),
)

_CHILD = {
    "/childFullName": "/child/fullName",
    "/childBirthDate": "/child/birthDate",
    "/childSex": "/child/sex",
}

BIRTH_GROUP_ROW: dict[str, Any] = {
    "code": BIRTH_GROUP,
    "name": "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
    "cho trẻ em dưới 6 tuổi",
    "members": [
        {
            "procedure_code": BIRTH_REGISTRATION,
            "required": True,
            "mapping": {
                **_CHILD,
                "/childEthnicity": "/child/ethnicity",
                "/placeOfBirth": "/child/placeOfBirth",
                "/motherFullName": "/mother/fullName",
                "/motherIdNumber": "/mother/idNumber",
                "/fatherFullName": "/father/fullName",
                "/fatherIdNumber": "/father/idNumber",
                "/parentAddress": "/residence/address",
                "/residence/unitCode": "/residence/unitCode",
                "/sameAsParentAddress": "/residence/livesWithParents",
                "/requesterFullName": "/requester/fullName",
                "/requesterRelationship": "/requester/relationship",
                "/requesterPhone": "/requester/phone",
            },
        },
        {
            "procedure_code": RESIDENCE_REGISTRATION,
            "mapping": {
                "/fullName": "/child/fullName",
                "/birthDate": "/child/birthDate",
                "/sex": "/child/sex",
                "/residenceAddress": "/residence/address",
                "/residence/unitCode": "/residence/unitCode",
                "/householdHeadFullName": "/householdHead/fullName",
                "/householdHeadIdNumber": "/householdHead/idNumber",
                "/relationshipToHead": "/householdHead/relationship",
                "/requesterFullName": "/requester/fullName",
                "/requesterPhone": "/requester/phone",
            },
        },
        {
            "procedure_code": CHILD_HEALTH_INSURANCE,
            "mapping": {
                **_CHILD,
                "/residenceAddress": "/residence/address",
                "/hospital": "/healthInsurance/hospital",
                "/cardDelivery": "/healthInsurance/cardDelivery",
                "/guardianFullName": "/requester/fullName",
                "/guardianIdNumber": "/requester/idNumber",
                "/guardianPhone": "/requester/phone",
            },
        },
    ],
    "combinations": _with(BIRTH_REGISTRATION, RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE),
    "feeds": [
        _feed(BIRTH_REGISTRATION, target, "/birthCertificateNumber", BIRTH_CERTIFICATE)
        for target in (RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE)
    ],
    "processing_days": 3,
    "verification_days": 5,
    "combined_form": _BIRTH_FORM,
}

_DEATH_FORM = _combined(
    "Tờ khai liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng, tử tuất",
    "deceased death residence requester",
    deceased=_object(
        "fullName birthDate sex idNumber address",
        fullName=_TEXT,
        birthDate=_DATE,
        sex=_SEX,
        idNumber=_ID,
        address=_LONG,
        socialInsuranceNumber={"type": "string", "pattern": r"^\d{10}$"},
        beneficiaryCategory={"type": "string", "enum": list(BENEFICIARY_CATEGORIES)},
    ),
    death=_object("date place", date=_DATE, place=_TEXT, cause=_TEXT),
    residence=_object("unitCode", unitCode=_UNIT),
    requester=_object(
        "fullName idNumber relationship address",
        fullName=_TEXT,
        idNumber=_ID,
        relationship={"type": "string", "enum": list(RELATIONSHIPS)},
        address=_LONG,
        phone=_PHONE,
    ),
    survivorBenefit=_object("monthly", monthly={"type": "boolean"}),
    bankAccount={"type": "string", "pattern": r"^\d{6,19}$"},
)

_DECEASED = {
    "/deceasedFullName": "/deceased/fullName",
    "/deceasedIdNumber": "/deceased/idNumber",
}

DEATH_GROUP_ROW: dict[str, Any] = {
    "code": DEATH_GROUP,
    "name": "Liên thông đăng ký khai tử, xóa đăng ký thường trú, hỗ trợ chi phí mai táng, "
    "giải quyết chế độ tử tuất",
    "members": [
        {
            "procedure_code": DEATH_REGISTRATION,
            "required": True,
            "mapping": {
                **_DECEASED,
                "/deceasedBirthDate": "/deceased/birthDate",
                "/deceasedSex": "/deceased/sex",
                "/dateOfDeath": "/death/date",
                "/placeOfDeath": "/death/place",
                "/causeOfDeath": "/death/cause",
                "/deceasedAddress": "/deceased/address",
                "/residence/unitCode": "/residence/unitCode",
                "/requesterFullName": "/requester/fullName",
                "/requesterIdNumber": "/requester/idNumber",
                "/requesterRelationship": "/requester/relationship",
                "/requesterPhone": "/requester/phone",
            },
        },
        {
            "procedure_code": RESIDENCE_REMOVAL,
            "mapping": {
                "/fullName": "/deceased/fullName",
                "/idNumber": "/deceased/idNumber",
                "/residenceAddress": "/deceased/address",
                "/requesterFullName": "/requester/fullName",
                "/requesterIdNumber": "/requester/idNumber",
                "/requesterPhone": "/requester/phone",
            },
        },
        {
            "procedure_code": FUNERAL_ALLOWANCE,
            "mapping": {
                **_DECEASED,
                "/dateOfDeath": "/death/date",
                "/beneficiaryCategory": "/deceased/beneficiaryCategory",
                "/deceasedAddress": "/deceased/address",
                "/residence/unitCode": "/residence/unitCode",
                "/organiserFullName": "/requester/fullName",
                "/organiserIdNumber": "/requester/idNumber",
                "/organiserPhone": "/requester/phone",
                "/bankAccount": "/bankAccount",
            },
        },
        {
            "procedure_code": SURVIVOR_BENEFIT,
            "mapping": {
                **_DECEASED,
                "/socialInsuranceNumber": "/deceased/socialInsuranceNumber",
                "/dateOfDeath": "/death/date",
                "/claimantFullName": "/requester/fullName",
                "/claimantIdNumber": "/requester/idNumber",
                "/claimantRelationship": "/requester/relationship",
                "/claimantAddress": "/requester/address",
                "/claimantPhone": "/requester/phone",
                "/monthly": "/survivorBenefit/monthly",
                "/bankAccount": "/bankAccount",
            },
        },
    ],
    "combinations": _with(
        DEATH_REGISTRATION, RESIDENCE_REMOVAL, FUNERAL_ALLOWANCE, SURVIVOR_BENEFIT
    ),
    "feeds": [
        _feed(DEATH_REGISTRATION, target, "/deathCertificateNumber", DEATH_CERTIFICATE)
        for target in (RESIDENCE_REMOVAL, FUNERAL_ALLOWANCE, SURVIVOR_BENEFIT)
    ],
    # Not checked against the decree: the birth group's figures (docs/groups.md).
    "processing_days": 3,
    "verification_days": 5,
    "combined_form": _DEATH_FORM,
}

GROUP_ROWS: list[dict[str, Any]] = [BIRTH_GROUP_ROW, DEATH_GROUP_ROW]
