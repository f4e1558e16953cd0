"""The rules an agency's place in the 2025 tree must keep when the agency is created.

* A service point belongs to a branch (`parent_code`) and serves one commune, ward or
  special zone (`serves_code`); no other level serves anything.
* Only a commune, ward or special zone carries an administrative-unit code (`unit_code`,
  five digits), and no two agencies valid at the same time share one (a unit created by
  the 2025 arrangement may reuse the code of a unit that ended before it began).
* A former district is history: it must end by 30 June 2025.

`check_tree` checks a whole set in memory (the demo catalogue); `check_new_agency` checks
one agency against the stored tree (a merge's new target). Stored agencies are not
re-checked when read: an old database stays readable (docs/agencies.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.agencies import LAST_DAY_OF_DISTRICTS, LOCAL_UNITS, Agency, AgencyLevel
from documents.common.errors import DomainError, ErrorCode, not_found
from documents.common.tolerant import readable

UNIT_CODE = re.compile(r"^\d{5}$")


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_FAILED, message, field)


def check_place(
    agency: Agency,
    parent: Agency | None,
    served: Agency | None,
    same_unit_code: Iterable[Agency] = (),
    prefix: str = "",
) -> None:
    """Raises a DomainError naming the field (under `prefix`, e.g. "newTarget.") when
    `agency` breaks a rule; `parent`, `served` and the agencies sharing its unit code
    are looked up by the caller."""
    if agency.valid_from and agency.valid_to and agency.valid_from > agency.valid_to:
        raise _invalid("an agency cannot end before it begins", f"{prefix}validTo")
    if agency.level is AgencyLevel.FORMER_DISTRICT and (
        agency.valid_to is None or agency.valid_to > LAST_DAY_OF_DISTRICTS
    ):
        raise _invalid(
            f"there are no districts since 1 July 2025: a former district must end by "
            f"{LAST_DAY_OF_DISTRICTS}",
            f"{prefix}level",
        )
    if agency.parent_code is not None and parent is None:
        raise not_found("agency", agency.parent_code, f"{prefix}parentCode")
    if agency.level is AgencyLevel.SERVICE_POINT:
        if parent is None or parent.level is not AgencyLevel.BRANCH:
            raise _invalid("a service point belongs to a branch", f"{prefix}parentCode")
        if agency.serves_code is None:
            raise _invalid("a service point serves a commune or ward", f"{prefix}servesCode")
        if served is None:
            raise not_found("agency", agency.serves_code, f"{prefix}servesCode")
        if served.level not in LOCAL_UNITS:
            raise _invalid(
                "a service point serves a commune, ward or special zone", f"{prefix}servesCode"
            )
    elif agency.serves_code is not None:
        raise _invalid("only a service point serves a commune or ward", f"{prefix}servesCode")
    _check_unit_code(agency, same_unit_code, prefix)


def _check_unit_code(agency: Agency, same_unit_code: Iterable[Agency], prefix: str) -> None:
    if agency.unit_code is None:
        return
    if agency.level not in LOCAL_UNITS:
        raise _invalid(
            "only a commune, ward or special zone has an administrative-unit code",
            f"{prefix}unitCode",
        )
    if not UNIT_CODE.match(agency.unit_code):
        raise _invalid("an administrative-unit code has five digits", f"{prefix}unitCode")
    first, last = agency.valid_from or date.min, agency.valid_to or date.max
    for other in same_unit_code:
        if other.code == agency.code or other.unit_code != agency.unit_code:
            continue
        if other.overlaps(first, last):
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                "another agency valid at the same time has this administrative-unit code",
                f"{prefix}unitCode",
            )


def check_tree(agencies: Iterable[Agency]) -> None:
    """Every agency of a set, each against the others (parents and served units must
    be in the set)."""
    listed = list(agencies)
    by_code: Mapping[str, Agency] = {a.code: a for a in listed}
    for agency in listed:
        check_place(
            agency,
            by_code.get(agency.parent_code or ""),
            by_code.get(agency.serves_code or ""),
            listed,
        )


async def check_new_agency(
    agency: Agency, session: AsyncClientSession | None = None, prefix: str = ""
) -> None:
    """`agency`, about to be created, against the stored tree."""
    wanted = [code for code in (agency.parent_code, agency.serves_code) if code]
    found = await readable(Agency.find({"code": {"$in": wanted}}, session=session))
    by_code = {a.code: a for a in found}
    sharing: list[Agency] = []
    if agency.unit_code is not None:
        sharing = await readable(Agency.find({"unit_code": agency.unit_code}, session=session))
    check_place(
        agency,
        by_code.get(agency.parent_code or ""),
        by_code.get(agency.serves_code or ""),
        sharing,
        prefix,
    )
