"""Sample combined-form data for the demo's interconnected groups (demo/groups.py): every
section filled, so any allowed combination of members can be submitted with it."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from demo.group_forms import BENEFICIARY_CATEGORIES, RELATIONSHIPS
from demo.groups import BIRTH_GROUP, DEATH_GROUP
from demo.sample_people import (
    ETHNICITIES,
    HOSPITALS,
    REFERENCE_DAY,
    _birth_date,
    _day_between,
    _digits,
    _full_name,
    _id_number,
    _phone,
    _pick_sex,
    _place,
)


def _person(rng: random.Random, youngest: int, oldest: int) -> dict[str, str]:
    sex = _pick_sex(rng)
    return {
        "fullName": _full_name(rng, sex),
        "idNumber": _id_number(rng, _birth_date(rng, youngest, oldest), sex),
    }


def birth_group_data(rng: random.Random) -> dict[str, Any]:
    mother = _person(rng, 20, 40)
    father = _person(rng, 22, 45)
    sex = _pick_sex(rng)
    address, unit = _place(rng)
    born = _day_between(rng, REFERENCE_DAY - timedelta(days=30), REFERENCE_DAY)
    requester, relationship = rng.choice([(mother, "MOTHER"), (father, "FATHER")])
    return {
        "child": {
            "fullName": _full_name(rng, sex, father["fullName"].split()[0]),
            "birthDate": born.isoformat(),
            "sex": sex,
            "ethnicity": rng.choice(ETHNICITIES),
            "placeOfBirth": f"{rng.choice(HOSPITALS)}, Thành phố Hà Nội",
        },
        "mother": mother,
        "father": father,
        "residence": {"address": address, **unit, "livesWithParents": True},
        "householdHead": {**father, "relationship": "CHILD"},
        "healthInsurance": {
            "hospital": rng.choice(HOSPITALS),
            "cardDelivery": rng.choice(["AT_DESK", "POST"]),
        },
        "requester": {**requester, "relationship": relationship, "phone": _phone(rng)},
    }


def death_group_data(rng: random.Random) -> dict[str, Any]:
    sex = _pick_sex(rng)
    born = _birth_date(rng, 60, 95)
    died = _day_between(rng, REFERENCE_DAY - timedelta(days=10), REFERENCE_DAY)
    address, unit = _place(rng)
    return {
        "deceased": {
            "fullName": _full_name(rng, sex),
            "birthDate": born.isoformat(),
            "sex": sex,
            "idNumber": _id_number(rng, born, sex),
            "address": address,
            "socialInsuranceNumber": "01" + _digits(rng, 8),
            "beneficiaryCategory": rng.choice(BENEFICIARY_CATEGORIES),
        },
        "death": {"date": died.isoformat(), "place": rng.choice(HOSPITALS)},
        "residence": unit,
        "requester": {
            **_person(rng, 25, 70),
            "relationship": rng.choice(RELATIONSHIPS),
            "address": address,
            "phone": _phone(rng),
        },
        "survivorBenefit": {"monthly": rng.random() < 0.4},
        "bankAccount": _digits(rng, 12),
    }


GROUP_DATA: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    BIRTH_GROUP: birth_group_data,
    DEATH_GROUP: death_group_data,
}
