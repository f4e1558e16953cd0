"""What each payload error `code` (`ErrorCode`) means, for the schema's descriptions
(written in by `describe_enum_values`, as the domain's other enums' values are)."""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "NOT_FOUND": "What the input names does not exist, or you may not see it.",
    "VALIDATION_FAILED": "The input breaks a rule; `field` names it and `reason` says why.",
    "INVALID_SCHEMA": "A form's JSON Schema or hints are not valid (docs/forms.md).",
    "FORM_NOT_PUBLISHED": "The form version is not published yet.",
    "FORM_RETIRED": "The form version is retired: no new dossiers may use it.",
    "ALREADY_EXISTS": "Something with this key or code exists already.",
    "DATA_TOO_LARGE": "The form data is larger than 1 MiB.",
    "DATA_TOO_DEEP": "The form data is nested deeper than 20 levels.",
    "FORBIDDEN_KEY": "A key of the form data contains `$`, `.` or NUL.",
    "ILLEGAL_TRANSITION": "The action is not allowed in the dossier's status.",
    "CONFLICT": "Someone else changed it meanwhile; read it again and retry.",
    "PAYMENT_REQUIRED": "The fee must be paid first.",
    "NOTHING_DUE": "No fee is owed.",
    "APOLOGY_NOT_ALLOWED": "An apology was issued already, or the deadline is less than "
    "one working day away.",
    "IDEMPOTENCY_CONFLICT": "The idempotency key was used before with another input.",
    "IN_PROGRESS": "The first request with this idempotency key is still running: retry "
    "after a moment.",
    "UNAVAILABLE": "The database could not be reached in time: nothing was changed; retry later.",
    "UNREADABLE_DOCUMENT": "A stored document this version cannot read (written by a "
    "newer one, or damaged).",
    "UNKNOWN_SLOT": "The procedure has no paper slot of that name (docs/papers.md).",
    "UNSUPPORTED_MEDIA_TYPE": "The file's type is not one the slot accepts.",
    "SPOOFED_TYPE": "The file's content is not the type its name and declared type say.",
    "FILE_TOO_LARGE": "The file is larger than the limit for one file.",
    "DOSSIER_FILES_TOO_LARGE": "The dossier's files together would pass their limit.",
    "ATTACHMENTS_LOCKED": "Papers can no longer be changed in the dossier's status.",
    "MERGE_INVALID": "The merge or split breaks a rule; `reason` says which.",
    "GROUP_INVALID": "The procedure group breaks a rule (docs/groups.md).",
    "NO_COMPETENT_AGENCY": "The procedure's rule finds no agency to handle the dossier "
    "(docs/routing.md).",
    "BAD_SIGNATURE": "A signed call's signature does not hold.",
    "INTEGRATION_NOT_CONFIGURED": "The integration has no secret configured.",
    "BODY_TOO_LARGE": "The request body is too large.",
    "UNKNOWN_REFERENCE": "A callback names a payment order that does not exist.",
    "AMOUNT_MISMATCH": "A callback's amount is not the order's.",
    "IDENTITY_LEVEL_TOO_LOW": "The applicant's identity assurance level is below the procedure's.",
    "NOT_THE_APPLICANT": "The submission is under another person's or business's number.",
    "RESULT_SIGNATURE_INVALID": "The electronic result's signature is invalid (tampered).",
    "RESULT_SIGNATURE_EXPIRED": "The electronic result's signing certificate has expired.",
    "RESULT_SIGNATURE_UNTRUSTED": "No configured trust root vouches for the result's "
    "signing certificate.",
    "ALREADY_PAID": "Something was paid already, so the fee can no longer be exempted.",
    "ORDER_NOT_PENDING": "The payment order is no longer pending (paid, cancelled or refunded).",
    "PROOF_MISSING": "A bank transfer cannot be confirmed without its proof.",
    "NOT_A_BANK_TRANSFER": "The order is not paid by bank transfer.",
}
