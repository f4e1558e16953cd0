"""Which target each open dossier of a split agency goes to: by the applicant's commune
of residence, or by an explicit list, with an optional default (docs/merges.md)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.agencies import Agency
from documents.catalogue.authority import form_value
from documents.catalogue.procedures import AuthorityRule, Procedure
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier
from documents.merges.checks import Reason, refused


class SplitRule(StrEnum):
    # The commune or ward of the applicant's residence: the administrative-unit code at
    # the procedure's competent-authority field, when its rule is APPLICANT_RESIDENCE.
    BY_RESIDENCE = "BY_RESIDENCE"
    # An explicit dossier code -> target list.
    BY_LIST = "BY_LIST"


async def _units(targets: list[Agency], session: AsyncClientSession | None) -> dict[str, str]:
    """Administrative-unit code -> target: the target's own `unit_code`, or that of the
    commune or ward it serves (`serves_code`, a service point)."""
    served_codes = sorted({t.serves_code for t in targets if t.serves_code})
    served = await Agency.find({"code": {"$in": served_codes}}, session=session).to_list()
    unit_of = {a.code: a.unit_code for a in served if a.unit_code}
    found: dict[str, str] = {}
    for target in targets:
        for unit in (target.unit_code, unit_of.get(target.serves_code or "")):
            if unit is None:
                continue
            if found.get(unit, target.code) != target.code:
                raise DomainError(
                    ErrorCode.VALIDATION_FAILED,
                    f"two targets serve the administrative unit {unit!r}",
                    "targets",
                )
            found[unit] = target.code
    return found


async def _residences(
    moving: list[Dossier], session: AsyncClientSession | None
) -> dict[str, str | None]:
    """Dossier code -> the unit code of the applicant's residence, where its procedure
    finds the competent authority there."""
    codes = sorted({d.procedure_code for d in moving})
    procedures = await Procedure.find({"code": {"$in": codes}}, session=session).to_list()
    fields = {
        p.code: p.competent_authority.field
        for p in procedures
        if p.competent_authority.rule is AuthorityRule.APPLICANT_RESIDENCE
        and p.competent_authority.field
    }
    found: dict[str, str | None] = {}
    for dossier in moving:
        path = fields.get(dossier.procedure_code)
        value = form_value(dossier.data, path) if path else None
        found[dossier.code] = value if isinstance(value, str) and value else None
    return found


async def distribute(
    moving: list[Dossier],
    rule: SplitRule,
    targets: list[Agency],
    assignments: Mapping[str, str],
    default_target: str | None,
    session: AsyncClientSession | None,
) -> dict[str, str]:
    """Dossier code -> target code for every moving dossier. A dossier the rule does
    not place goes to `default_target`; with none, the split is refused listing them."""
    codes = {t.code for t in targets}
    if default_target is not None and default_target not in codes:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            "the default target must be one of the targets",
            "defaultTarget",
        )
    placed: dict[str, str | None]
    if rule is SplitRule.BY_LIST:
        if any(target not in codes for target in assignments.values()):
            raise DomainError(
                ErrorCode.VALIDATION_FAILED,
                "every assignment must name one of the targets",
                "assignments",
            )
        moving_codes = {d.code for d in moving}
        stray = sorted(code for code in assignments if code not in moving_codes)
        if stray:
            raise refused(
                Reason.NOT_MOVING,
                f"{len(stray)} listed dossiers are not open dossiers of the source",
                "assignments",
                stray,
            )
        placed = {d.code: assignments.get(d.code) for d in moving}
    else:
        units = await _units(targets, session)
        residences = await _residences(moving, session)
        placed = {code: units.get(unit or "") for code, unit in residences.items()}
    chosen = {code: target or default_target for code, target in placed.items()}
    unassigned = sorted(code for code, target in chosen.items() if target is None)
    if unassigned:
        raise refused(
            Reason.UNASSIGNED_DOSSIERS,
            f"{len(unassigned)} open dossiers would have no agency; assign them or name "
            "a default target",
            "targets",
            unassigned,
        )
    return {code: target for code, target in chosen.items() if target is not None}
