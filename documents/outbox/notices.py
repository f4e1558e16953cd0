"""The notices that tell an applicant of their dossier: Vietnamese Jinja2 templates in
`documents/outbox/templates/`, one per occasion, each with a subject, an e-mail body and
a short text for SMS and Zalo (docs/integrations.md, "Notifications")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from documents.common.clock import local_date
from documents.dossiers.dossier import Dossier

# Plain text, not HTML: nothing to escape. A missing value is an error, not a blank.
_TEMPLATES = Environment(
    loader=PackageLoader("documents.outbox", "templates"),
    autoescape=False,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str  # the e-mail's
    text: str  # the SMS's and Zalo's: one short paragraph


def render(template: str, values: Mapping[str, Any]) -> Notice:
    """The notice `template` (a file `<template>.j2`) says with `values`."""
    page = _TEMPLATES.get_template(f"{template}.j2")

    def block(name: str) -> str:
        return "".join(page.blocks[name](page.new_context(dict(values)))).strip()

    body = _BLANK_LINES.sub("\n\n", page.render(values)).strip() + "\n"
    return Notice(subject=" ".join(block("subject").split()), body=body, text=block("text"))


def lookup_link(public_url: str, code: str) -> str:
    """The public look-up page with the code filled in (`/tra-cuu?ma=`, the parameter
    the page reads, as on the receipt)."""
    return f"{public_url.rstrip('/')}/tra-cuu?{urlencode({'ma': code})}"


def day(moment: datetime | None) -> str:
    """A date as Vietnamese text writes it, in Hà Nội time: 05/03/2026."""
    return "" if moment is None else local_date(moment).strftime("%d/%m/%Y")


def money(amount: int) -> str:
    """150.000 đồng."""
    return f"{amount:,} đồng".replace(",", ".")


def values(
    dossier: Dossier, procedure_name: str, payload: Mapping[str, Any], public_url: str
) -> dict[str, Any]:
    """What the templates may say: the dossier's code, procedure and dates, the
    addressee's own name, and the occasion's facts, read from the dossier now (the
    message's payload holds no personal data, so a reason or a list of papers is read
    here). Never the id number."""
    supplements = dossier.supplements
    asked = payload.get("round")
    if isinstance(asked, int) and 1 <= asked <= len(supplements):
        items = supplements[asked - 1].items
    else:
        items = supplements[-1].items if supplements else []
    apology = dossier.apology
    if payload.get("template") == "apology_issued":
        reason = apology.reason if apology else ""
    else:  # a refusal's, a rejection's or a stop's
        reason = dossier.reason or ""
    amount = payload.get("amount")
    return {
        "name": dossier.applicant.full_name,
        "code": dossier.code,
        "procedure": procedure_name,
        "link": lookup_link(public_url, dossier.code),
        "received": day(dossier.received_at),
        "appointment": day(dossier.appointment_at),
        "items": [{"item": i.item, "reason": i.reason} for i in items],
        "amount": money(amount if isinstance(amount, int) else dossier.fee_due),
        "new_appointment": day(apology.new_appointment_at if apology else None),
        "reason": reason,
    }
