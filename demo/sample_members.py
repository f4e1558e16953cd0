"""Sample form data for the procedures the interconnected groups add
(demo/group_procedures.py); `demo.sample_data.sample_form_data` dispatches to them."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from demo.group_forms import BENEFICIARY_CATEGORIES, RELATIONSHIPS
from demo.sample_people import (
    HOSPITALS,
    REFERENCE_DAY,
    _address,
    _birth_date,
    _day_between,
    _digits,
    _full_name,
    _id_number,
    _maybe,
    _phone,
    _pick_sex,
    _place,
)


def _certificate_number(rng: random.Random) -> str:
    return f"{rng.randint(1, 999)}/{REFERENCE_DAY.year}"


def _residence_registration(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    head_sex = _pick_sex(rng)
    head = _full_name(rng, head_sex)
    address, unit = _place(rng)
    data: dict[str, Any] = {
        "fullName": _full_name(rng, sex, head.split()[0]),
        "birthDate": _day_between(
            rng, REFERENCE_DAY - timedelta(days=60), REFERENCE_DAY
        ).isoformat(),
        "sex": sex,
        "residenceAddress": address,
        "residence": unit,
        "householdHeadFullName": head,
        "householdHeadIdNumber": _id_number(rng, _birth_date(rng, 22, 70), head_sex),
        "relationshipToHead": rng.choice(["CHILD", "CHILD", "GRANDCHILD", "OTHER"]),
        "requesterFullName": head,
    }
    _maybe(rng, data, "birthCertificateNumber", _certificate_number(rng))
    _maybe(rng, data, "requesterPhone", _phone(rng), 0.8)
    return data


def _child_health_insurance(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    guardian_sex = _pick_sex(rng)
    guardian = _full_name(rng, guardian_sex)
    data: dict[str, Any] = {
        "childFullName": _full_name(rng, sex, guardian.split()[0]),
        "childBirthDate": _birth_date(rng, 0, 5).isoformat(),
        "childSex": sex,
        "residenceAddress": _address(rng),
        "hospital": rng.choice(HOSPITALS),
        "guardianFullName": guardian,
        "guardianIdNumber": _id_number(rng, _birth_date(rng, 20, 45), guardian_sex),
    }
    _maybe(rng, data, "birthCertificateNumber", _certificate_number(rng))
    _maybe(rng, data, "guardianPhone", _phone(rng), 0.8)
    _maybe(rng, data, "cardDelivery", rng.choice(["AT_DESK", "POST"]))
    return data


def _deceased(rng: random.Random) -> tuple[str, str, str, date, date]:
    """Name, sex, ID number, birthday and day of death of someone who died lately, aged
    60 to 95."""
    sex = _pick_sex(rng)
    born = _birth_date(rng, 60, 95)
    died = _day_between(rng, REFERENCE_DAY - timedelta(days=14), REFERENCE_DAY)
    return _full_name(rng, sex), sex, _id_number(rng, born, sex), born, died


def _relative(rng: random.Random) -> tuple[str, str, str]:
    sex = _pick_sex(rng)
    name = _full_name(rng, sex)
    return name, _id_number(rng, _birth_date(rng, 25, 70), sex), rng.choice(RELATIONSHIPS)


def _death_registration(rng: random.Random) -> dict[str, Any]:
    name, sex, id_number, born, died = _deceased(rng)
    requester, requester_id, relationship = _relative(rng)
    address, unit = _place(rng)
    data: dict[str, Any] = {
        "deceasedFullName": name,
        "deceasedBirthDate": born.isoformat(),
        "deceasedSex": sex,
        "deceasedIdNumber": id_number,
        "dateOfDeath": died.isoformat(),
        "placeOfDeath": rng.choice([*HOSPITALS, "Tại nhà riêng"]),
        "deceasedAddress": address,
        "residence": unit,
        "requesterFullName": requester,
        "requesterIdNumber": requester_id,
        "requesterRelationship": relationship,
    }
    _maybe(rng, data, "causeOfDeath", rng.choice(["Bệnh già", "Bệnh tim mạch", "Tai nạn"]))
    _maybe(rng, data, "requesterPhone", _phone(rng), 0.8)
    return data


def _residence_removal(rng: random.Random) -> dict[str, Any]:
    name, _, id_number, _, _ = _deceased(rng)
    requester, requester_id, _ = _relative(rng)
    data: dict[str, Any] = {
        "fullName": name,
        "idNumber": id_number,
        "residenceAddress": _address(rng),
        "requesterFullName": requester,
        "requesterIdNumber": requester_id,
    }
    _maybe(rng, data, "deathCertificateNumber", _certificate_number(rng))
    _maybe(rng, data, "requesterPhone", _phone(rng), 0.8)
    return data


def _funeral_allowance(rng: random.Random) -> dict[str, Any]:
    name, _, id_number, _, died = _deceased(rng)
    organiser, organiser_id, _ = _relative(rng)
    address, unit = _place(rng)
    data: dict[str, Any] = {
        "deceasedFullName": name,
        "deceasedIdNumber": id_number,
        "dateOfDeath": died.isoformat(),
        "beneficiaryCategory": rng.choice(BENEFICIARY_CATEGORIES),
        "deceasedAddress": address,
        "residence": unit,
        "organiserFullName": organiser,
        "organiserIdNumber": organiser_id,
    }
    _maybe(rng, data, "deathCertificateNumber", _certificate_number(rng))
    _maybe(rng, data, "organiserPhone", _phone(rng), 0.8)
    _maybe(rng, data, "bankAccount", _digits(rng, rng.randint(9, 14)))
    return data


def _survivor_benefit(rng: random.Random) -> dict[str, Any]:
    name, _, id_number, _, died = _deceased(rng)
    claimant, claimant_id, relationship = _relative(rng)
    data: dict[str, Any] = {
        "deceasedFullName": name,
        "deceasedIdNumber": id_number,
        "socialInsuranceNumber": "01" + _digits(rng, 8),
        "dateOfDeath": died.isoformat(),
        "claimantFullName": claimant,
        "claimantIdNumber": claimant_id,
        "claimantRelationship": relationship,
        "claimantAddress": _address(rng),
        "monthly": rng.random() < 0.4,
    }
    _maybe(rng, data, "deathCertificateNumber", _certificate_number(rng))
    _maybe(rng, data, "claimantPhone", _phone(rng), 0.8)
    _maybe(rng, data, "bankAccount", _digits(rng, rng.randint(9, 14)))
    return data


MEMBER_GENERATORS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "residence-registration": _residence_registration,
    "child-health-insurance": _child_health_insurance,
    "death-registration": _death_registration,
    "residence-removal": _residence_removal,
    "funeral-allowance": _funeral_allowance,
    "survivor-benefit": _survivor_benefit,
}
