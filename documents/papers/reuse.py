"""Reusing what the applicant already gave: repository papers and results at submission,
when the applicant files or consented (consents.py), and earlier answers to prefill a
new form (giảm giấy tờ, giảm nhập liệu)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beanie import SortDirection
from jsonpointer import JsonPointer, JsonPointerException
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.lifecycle import current_form
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier
from documents.papers.attachments import (
    Attachment,
    PaperDigitisation,
    ReuseOrigin,
)
from documents.papers.consents import Consent, Submitter, consent_for
from documents.papers.repository import (
    RepositoryItem,
    RepositoryItemKind,
    find_item,
    newest_valid_result,
)

# Profile attributes the applicant record itself holds.
APPLICANT_ATTRIBUTES = {
    "fullName": "full_name",
    "phone": "phone",
    "address": "address",
    "email": "email",
}
# How many earlier dossiers prefilling looks through.
PREFILL_HISTORY = 20


@dataclass(frozen=True)
class ReusedPaper:
    """The submission names one of the applicant's repository items for a paper slot."""

    slot: str
    repository_item_id: str


@dataclass(frozen=True)
class PlannedReuse:
    slot: str
    item: RepositoryItem


@dataclass(frozen=True)
class ReusePlan:
    """The slots filled from the repository, and the consent that lets someone other
    than the applicant fill them."""

    items: list[PlannedReuse]
    consent: Consent | None = None

    async def spend_consent(
        self, owner_id: str, code: str, now: datetime, session: AsyncClientSession
    ) -> None:
        """Use up the consent for dossier `code`, in the submission's transaction."""
        if self.items and self.consent is not None:
            await self.consent.spend(owner_id, code, now, session)


def _unknown(where: str) -> DomainError:
    # Someone else's item, or one the submitter may not use, is as unknown as a made-up id.
    return DomainError(ErrorCode.NOT_FOUND, "no such repository item", where)


async def plan_reuse(
    procedure: Procedure,
    owner_id: str,
    requested: Sequence[ReusedPaper],
    now: datetime,
    *,
    submitter: Submitter,
    desk: str,
) -> ReusePlan:
    """The slots filled from the repository: those the submission named, then those a
    recent valid result of the right type fills by itself. Only the applicant, or someone
    they consented to for this procedure at this desk (`desk`), reuses anything."""
    consent = await consent_for(submitter, owner_id, procedure.code, desk, now)
    slots = {paper.slot for paper in procedure.required_papers}
    today = local_date(now)
    chosen: dict[str, RepositoryItem] = {}
    for index, wanted in enumerate(requested):
        where = f"reusedPapers.{index}"
        if wanted.slot not in slots:
            raise DomainError(ErrorCode.UNKNOWN_SLOT, "the procedure has no such paper slot", where)
        if wanted.slot in chosen:
            raise DomainError(ErrorCode.VALIDATION_FAILED, "a slot is named twice", where)
        item = await find_item(wanted.repository_item_id)
        if item is None or item.owner_id != owner_id:
            raise _unknown(where)
        if consent is None or not consent.covers(item.token):
            raise _unknown(where)
        if item.expired(today):
            raise DomainError(
                ErrorCode.VALIDATION_FAILED, f"the item expired on {item.valid_until}", where
            )
        chosen[wanted.slot] = item
    if consent is None:
        return ReusePlan([])
    for paper in procedure.required_papers:
        rule = paper.satisfied_by_result
        if rule is None or paper.slot in chosen:
            continue
        found = await newest_valid_result(
            owner_id, rule.result_type, rule.max_age_days, now, among=consent.item_tokens
        )
        if found is not None:
            chosen[paper.slot] = found
    return ReusePlan([PlannedReuse(slot, item) for slot, item in chosen.items()], consent)


def reused_attachment(
    code: str, planned: PlannedReuse, actor: str | None, at: datetime
) -> Attachment:
    """The dossier's attachment for a reused item: the same GridFS file, no copy, and
    what it is for those who may not open it."""
    item = planned.item
    return Attachment.sharing(
        item,
        dossier_code=code,
        slot=planned.slot,
        electronic=item.electronic,
        result_type=item.result_type,
        valid_until=item.valid_until,
        uploaded_by=actor,
        uploaded_at=at,
        digitisation=(
            PaperDigitisation.REUSED_FROM_RESULT
            if item.kind is RepositoryItemKind.RESULT
            else PaperDigitisation.REUSED_FROM_REPOSITORY
        ),
        origin=ReuseOrigin(
            result=item.kind is RepositoryItemKind.RESULT,
            procedure_code=item.procedure_code,
            issued_at=item.valid_from,
        ),
    )


def _place(data: dict[str, Any], pointer: str, value: Any) -> None:
    """Set `value` at `pointer` in `data`, making the objects on the way."""
    try:
        *parents, last = JsonPointer(pointer).parts
    except (JsonPointerException, ValueError):
        return
    target = data
    for part in parents:
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            return
        target = child
    target[last] = value


def _value_at(data: dict[str, Any], pointer: str) -> Any:
    try:
        return JsonPointer(pointer).resolve(data, None)
    except JsonPointerException:
        return None


async def prefill(procedure_code: str, owner_id: str) -> dict[str, Any] | None:
    """Form data for the procedure's current form, holding the fields whose display
    hint names a profile attribute: from the applicant's earlier accepted dossiers,
    newest first, then from their applicant record. None for an unknown procedure."""
    procedure = await Procedure.find_one(Procedure.code == procedure_code)
    if procedure is None:
        return None
    form = await current_form(procedure.form_key)
    wanted = {h.pointer: h.profile_attribute for h in form.hints.fields if h.profile_attribute}
    earlier = (
        await Dossier.find({"applicant.id_number": owner_id, "accepted_at": {"$ne": None}})
        .sort([("accepted_at", SortDirection.DESCENDING)])
        .limit(PREFILL_HISTORY)
        .to_list()
    )
    forms = await FormSchema.find(
        {"key": {"$in": sorted({d.form_key for d in earlier})}, "version": {"$ne": None}}
    ).to_list()
    hints = {(f.key, f.version): f.hints.fields for f in forms}
    known: dict[str, Any] = {}
    for dossier in earlier:
        for hint in hints.get((dossier.form_key, dossier.form_version), []):
            attribute = hint.profile_attribute
            if attribute and attribute not in known:
                value = _value_at(dossier.data, hint.pointer)
                if value not in (None, ""):
                    known[attribute] = value
    if earlier:
        record = earlier[0].applicant
        for attribute, name in APPLICANT_ATTRIBUTES.items():
            value = getattr(record, name)
            if attribute not in known and value:
                known[attribute] = value
    data: dict[str, Any] = {}
    for pointer, attribute in wanted.items():
        if attribute in known:
            _place(data, pointer, known[attribute])
    return data
