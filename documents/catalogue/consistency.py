"""Keeping the procedure catalogue consistent: references must exist."""

from __future__ import annotations

from typing import Any

from documents.catalogue.agencies import Agency
from documents.catalogue.forms.definition import FormSchema, FormStatus
from documents.catalogue.procedures import Procedure
from documents.common.checked_edits import create_checked, update_checked
from documents.common.errors import DomainError, ErrorCode, not_found


async def _check_references(procedure: Procedure) -> None:
    if await FormSchema.find_one(FormSchema.key == procedure.form_key) is None:
        raise not_found("form", procedure.form_key, "formKey")
    codes = set(procedure.agency_codes)
    codes.update(s.agency_code for s in procedure.steps if s.agency_code)
    found = await Agency.find({"code": {"$in": sorted(codes)}}).to_list()
    missing = codes - {a.code for a in found}
    if missing:
        raise not_found("agency", sorted(missing)[0], "agencyCodes")
    fixed = procedure.competent_authority.agency_code  # FIXED (docs/routing.md)
    if fixed is not None and await Agency.find_one(Agency.code == fixed) is None:
        raise not_found("agency", fixed, "competentAuthority.agencyCode")
    await _check_paper_slots(procedure)
    if procedure.fee.field is not None and not procedure.fee.field.startswith("/"):
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, "the fee field must be a JSON pointer", "fee.field"
        )


async def _check_paper_slots(procedure: Procedure) -> None:
    """Every paper slot a FILE widget of a published version of the form names must be
    one of the procedure's required papers (docs/forms.md, Display hints)."""
    slots = {paper.slot for paper in procedure.required_papers}
    forms = await FormSchema.find(
        FormSchema.key == procedure.form_key, FormSchema.status != FormStatus.DRAFT
    ).to_list()
    for form in forms:
        for hint in form.hints.fields:
            if hint.paper_slot is not None and hint.paper_slot not in slots:
                raise DomainError(
                    ErrorCode.VALIDATION_FAILED,
                    f"form {form.key!r} v{form.version} shows paper slot {hint.paper_slot!r} "
                    f"at {hint.pointer!r}, which the required papers lack",
                    "requiredPapers",
                )


async def create_procedure(fields: dict[str, Any]) -> Procedure:
    """Raises pydantic.ValidationError for malformed fields, DomainError otherwise."""
    taken = f"procedure {fields.get('code')!r} already exists"
    return await create_checked(Procedure, fields, _check_references, taken)


async def update_procedure(code: str, changes: dict[str, Any]) -> Procedure:
    """The procedure with `changes` applied, checked as a whole; its code never changes."""
    return await update_checked(Procedure, code, changes, _check_references, "procedure")
