"""What each value of the schema's enums means: the domain's enums live in `documents/`,
which knows nothing of GraphQL, so their values are described here, by GraphQL name,
and written into the schema when it is built (`describe_enum_values`)."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLSchema

from schema.core.error_code_values import ERROR_CODES

_DOSSIERS: dict[str, dict[str, str]] = {
    "DossierStatus": {
        "RECEIVED": "Received at a desk or online, not yet accepted for processing.",
        "IN_PROGRESS": "Accepted and being processed; the deadline clock runs.",
        "SUPPLEMENT_REQUESTED": "Waiting for the applicant's supplements; the clock stops.",
        "RESULT_READY": "Approved: the result waits to be collected or sent.",
        "RETURNED": "The result was handed or sent to the applicant: finished.",
        "REFUSED": "Refused at reception (not accepted for processing): finished.",
        "REJECTED": "Processed and decided against, with a reason: finished.",
        "WITHDRAWN": "Withdrawn by the applicant: finished.",
        "STOPPED": "Processing stopped without a decision (Mẫu 05 of Circular 03/2025): finished.",
        "WAITING_FOR_INPUT": "A group submission's member waiting for another member's "
        "result (docs/groups.md); its clock has not started.",
    },
    "EventType": {
        "RECEIVED": "The dossier was received.",
        "ACCEPTED": "It was accepted for processing.",
        "REFUSED": "It was refused at reception.",
        "ASSIGNED": "It was assigned to an officer.",
        "HANDED_OVER": "It was handed over to the next step or agency.",
        "SUPPLEMENT_REQUESTED": "Supplements were requested; the clock stopped.",
        "SUPPLEMENTED": "The applicant supplied what was asked; the clock runs again.",
        "APPROVED": "It was approved: a result is ready.",
        "REJECTED": "It was decided against.",
        "RESULT_RETURNED": "The result was handed or sent to the applicant.",
        "WITHDRAWN": "The applicant withdrew it.",
        "APOLOGY_ISSUED": "An apology for an expected delay was issued, with a new appointment.",
        "PROCESSING_STOPPED": "Processing stopped (Mẫu 05); the payload has the reason.",
        "PAYMENT_REQUESTED": "The applicant was asked to pay the fee.",
        "PAYMENT_RECORDED": "A payment was recorded.",
        "PAYMENT_CANCELLED": "A payment order was cancelled.",
        "PAYMENT_REFUNDED": "A payment order was refunded.",
        "FEE_EXEMPTED": "The fee was exempted, with a reason.",
        "PAYMENT_PROOF_SUBMITTED": "The applicant uploaded a bank transfer's proof.",
        "ATTACHMENT_ADDED": "A paper was attached.",
        "ATTACHMENT_REMOVED": "A paper was removed.",
        "RESULT_ATTACHED": "An electronic result was attached.",
        "AGENCY_MERGED": "It moved to the agency its handling agency was merged into.",
        "AGENCY_SPLIT": "It moved to one of the agencies its handling agency was split into.",
        "TRANSFERRED": "It was routed from the receiving desk to the competent agency; the "
        "payload is {from, to, rule} (docs/routing.md).",
        "WAITING_FOR_INPUT": "A group member was created waiting for another member's "
        "result; the payload is {group, waitsFor}.",
        "INPUT_RECEIVED": "The result it waited for filled it, and it was received.",
        "GROUP_CREATED": "A group submission was received (`dossierCode` is the group's).",
        "GROUP_MEMBER_DONE": "A member of a group finished; the payload is {member, status}.",
        "GROUP_DONE": "Every member of a group finished; the payload is {status}.",
    },
    "DossierOrder": {
        "RECEIVED_AT_DESC": "Newest first (then by code, descending).",
        "RECEIVED_AT_ASC": "Oldest first (then by code).",
        "CODE_ASC": "By dossier code, A to Z.",
        "CODE_DESC": "By dossier code, Z to A.",
    },
    "ApplicantKind": {
        "CITIZEN": "A person, identified by a 12-digit personal identification number.",
        "BUSINESS": "A business, identified by its tax code.",
    },
    "Channel": {
        "COUNTER": "Handed in at a desk (channel code 1).",
        "ONLINE": "Submitted online (channel code 2).",
        "POSTAL": "Sent by post (channel code 3).",
    },
    "NotificationChannel": {
        "EMAIL": "By e-mail.",
        "SMS": "By text message.",
        "ZALO": "By a Zalo message.",
    },
    "Timeliness": {
        "EARLY": "Finished before the due day (local time).",
        "ON_TIME": "Finished on the due day.",
        "LATE": "Finished after the due day, or after more supplement rounds than the "
        "procedure allows.",
    },
    "PaymentStatus": {
        "UNPAID": "A fee is owed and not paid.",
        "PAID": "The fee was paid.",
        "WAIVED": "Nothing is owed: a zero fee, or an exemption.",
    },
    "PaymentMethod": {
        "COUNTER": "Paid at the desk.",
        "E_PAYMENT": "Paid through the national payment platform.",
        "BANK_TRANSFER": "Paid by bank transfer, confirmed by an officer from its proof.",
    },
    "Decision": {
        "APPROVE": "Approve: a result is issued.",
        "REJECT": "Reject, with a reason.",
    },
    "GroupStatus": {
        "IN_PROGRESS": "Some member is still open (waiting for input included).",
        "PARTLY_DONE": "Every member finished, and some, not all, have their result.",
        "DONE": "Every member finished with its result.",
        "REFUSED": "Every member finished, none with a result: refused, rejected or stopped.",
        "WITHDRAWN": "Every member was withdrawn.",
    },
}

_PAPERS_AND_PAYMENTS: dict[str, dict[str, str]] = {
    "AttachmentKind": {
        "APPLICATION": "A paper of the application.",
        "RESULT": "The result the agency issues.",
        "PAYMENT_PROOF": "A bank transfer's proof, uploaded by the applicant.",
        "RECEIPT": "The e-receipt issued for a paid order.",
    },
    "PaperSource": {
        "UPLOADED": "A file uploaded for this dossier.",
        "REUSED": "A file reused from the e-data repository or an earlier result.",
        "DATABASE": "No file: a national database was looked up instead.",
    },
    "PaperDigitisation": {
        "NOT_DIGITISED": "A required paper with no file.",
        "SUBMITTED_ELECTRONICALLY": "Uploaded by the applicant.",
        "DIGITISED_AT_COUNTER": "Scanned and uploaded by an officer.",
        "REUSED_FROM_REPOSITORY": "Reused from the applicant's e-data repository.",
        "REUSED_FROM_RESULT": "Reused from an earlier dossier's electronic result.",
        "REUSED_FROM_DATABASE": "Replaced by a national database look-up.",
    },
    "RepositoryItemKind": {
        "PAPER": "A paper the applicant filed.",
        "RESULT": "A result an agency issued.",
    },
    "ResultSignatureFormat": {
        "XML_DSIG": "An XML document signed with XML-DSig.",
        "PADES": "A PDF signed with PAdES.",
    },
    "LookupResult": {
        "FOUND": "The number is in the database and the name matches it.",
        "NOT_FOUND": "No citizen has this number.",
        "MISMATCH": "The number is there, under another name.",
        "UNAVAILABLE": "No answer: the service failed, timed out or is not configured.",
    },
    "NationalDatabase": {"POPULATION": "The national population database."},
    "PaymentLineKind": {"FEE": "Phí (a fee).", "CHARGE": "Lệ phí (a charge)."},
    "PaymentOrderStatus": {
        "PENDING": "Waiting for the payment (its link may still be on its way).",
        "PAID": "Paid.",
        "CANCELLED": "Cancelled before it was paid.",
        "REFUNDED": "Paid, then refunded.",
    },
    "OutboxDestination": {
        "PORTAL": "The national public service portal: status sync.",
        "PAYMENT": "The national payment platform: orders, cancellations, refunds.",
        "EMAIL": "Notifications over SMTP.",
        "SMS": "Notifications through the SMS gateway.",
        "ZALO": "Notifications through the gateway's Zalo channel.",
    },
    "WebhookDeliveryStatus": {
        "PENDING": "Not delivered yet; retried with backoff.",
        "DELIVERED": "The receiver answered with a 2xx status.",
        "DEAD": "Given up: retried for the whole window, or refused for good.",
    },
}

_CATALOGUE: dict[str, dict[str, str]] = {
    "AgencyLevel": {
        "CITY": "The centrally governed city.",
        "PROVINCE": "A province.",
        "CENTRE": "The public administrative service centre.",
        "BRANCH": "A branch of the centre.",
        "SERVICE_POINT": "A service point of a branch.",
        "DEPARTMENT": "A department (sở).",
        "SECTOR_AGENCY": "A sector agency outside the departments.",
        "COMMUNE": "A commune (xã).",
        "WARD": "A ward (phường).",
        "SPECIAL_ZONE": "A special zone (đặc khu).",
        "FORMER_DISTRICT": "History only: a district of the tree before 1 July 2025.",
    },
    "AgencyState": {
        "ACTIVE": "In service.",
        "MERGED": "Merged into another agency; ends at `validTo`.",
        "SPLIT": "Split among several agencies; ends at `validTo`.",
    },
    "AuthorityRule": {
        "RECEIVING_AGENCY": "The receiving agency handles the dossier.",
        "APPLICANT_RESIDENCE": "The agency of the applicant's commune or ward of residence.",
        "OBJECT_LOCATION": "The agency where the object of the dossier (land, a house) is.",
        "FIXED": "One named agency handles every dossier.",
    },
    "OnlineService": {
        "FULL": "Submission, payment and result all online (toàn trình).",
        "PARTIAL": "Submitted online, but something needs a visit (một phần).",
        "NONE": "Not offered online.",
    },
    "FeeKind": {
        "NONE": "No fee.",
        "FIXED": "One amount for every dossier.",
        "TABLE": "An amount looked up from a form field's value.",
    },
    "OfficerRole": {
        "RECEPTION": "An officer at the reception desk.",
        "SPECIALIST": "A specialist who processes the dossier.",
        "LEADER": "A leader who decides.",
    },
    "Widget": {
        "TEXT": "A one-line text box.",
        "TEXTAREA": "A text box of several lines.",
        "SELECT": "A drop-down list of the options.",
        "RADIO": "Radio buttons, one per option.",
        "DATE": "A date picker.",
        "FILE": "A paper slot of the procedure (`paperSlot`), uploaded as an attachment.",
    },
    "FormStatus": {
        "DRAFT": "Editable; not usable for dossiers.",
        "PUBLISHED": "Immutable; new dossiers use it.",
        "RETIRED": "No new dossiers; existing ones keep it.",
    },
    "CalendarDayKind": {
        "DAY_OFF": "A declared day off on a weekday.",
        "MAKEUP_WORKING_DAY": "A declared working day on a weekend.",
    },
    "ApiKeyOperation": {
        "READ_DOSSIERS": "Read dossiers in the key's scope.",
        "SUBMIT_DOSSIERS": "Submit dossiers.",
        "RECORD_PAYMENTS": "Record payments.",
        "SUBSCRIBE": "Subscribe to dossier events.",
        "READ_CATALOGUE": "Read the catalogue.",
    },
    "ScheduledMergeStatus": {
        "SCHEDULED": "Waiting for its date.",
        "APPLIED": "Applied on its date.",
        "FAILED": "Not applied: see its failure.",
        "CANCELLED": "Cancelled before its date.",
    },
    "SplitRule": {
        "BY_RESIDENCE": "By the applicant's commune or ward of residence.",
        "BY_LIST": "By an explicit list of dossier codes and targets.",
    },
}

_STATISTICS: dict[str, dict[str, str]] = {
    "Granularity": {
        "DAY": "One point per day.",
        "MONTH": "One point per month.",
        "QUARTER": "One point per quarter.",
        "YEAR": "One point per year.",
    },
    "RatingLevel": {
        "SATISFIED": "Satisfied (hài lòng).",
        "NORMAL": "Neither satisfied nor dissatisfied.",
        "DISSATISFIED": "Dissatisfied (không hài lòng).",
    },
    "FeedbackKind": {"FEEDBACK": "A comment or suggestion.", "COMPLAINT": "A complaint."},
    "ScoreGroup": {
        "PUBLICITY": "Publicity and transparency (công khai, minh bạch).",
        "PROGRESS": "Processing progress (tiến độ giải quyết).",
        "ONLINE_SERVICE": "Online public services (dịch vụ công trực tuyến).",
        "ONLINE_PAYMENT": "Online payment (thanh toán trực tuyến).",
        "SATISFACTION": "Satisfaction (mức độ hài lòng).",
        "DIGITISATION": "Digitisation of dossiers (số hóa hồ sơ).",
    },
    "Measurement": {
        "MEASURED": "Measured from the data.",
        "NO_DATA": "Measurable, but nothing of the kind in the range.",
        "NOT_MEASURED": "motcua holds no data for it.",
    },
}

ENUM_VALUES: dict[str, dict[str, str]] = (
    _DOSSIERS | _PAPERS_AND_PAYMENTS | _CATALOGUE | _STATISTICS | {"ErrorCode": ERROR_CODES}
)


ENUMS: dict[str, str] = {
    "AgencyLevel": "Where an agency stands in the administration's tree.",
    "AgencyState": "Whether an agency is in service, or was merged or split.",
    "ApiKeyOperation": "What an integrator's API key may do.",
    "ApplicantKind": "Who applies: a person or a business.",
    "AttachmentKind": "What a file of a dossier is.",
    "AuthorityRule": "How the agency competent for a dossier is found (docs/routing.md).",
    "CalendarDayKind": "A declared exception to the working-day calendar.",
    "Channel": "How a dossier was handed in.",
    "Decision": "An officer's decision on a dossier.",
    "DossierOrder": "The order of a dossier list.",
    "DossierStatus": "Where a dossier is in its processing.",
    "ErrorCode": "Why a mutation failed: a payload error's stable `code`.",
    "FeeKind": "How a procedure's fee is worked out.",
    "FeedbackKind": "Whether feedback is a comment or a complaint.",
    "FormStatus": "A form version's life cycle: draft, published, retired.",
    "Granularity": "The length of one point of a statistics series.",
    "OfficerRole": "An officer's part in processing.",
    "OnlineService": "How much of a procedure can be done online (Decision 766).",
    "PaperDigitisation": "How a paper came to be electronic (docs/scoreboard.md).",
    "PaperSource": "Where a paper of a dossier came from.",
    "PaymentMethod": "How a fee was paid.",
    "PaymentStatus": "Whether a dossier's fee is paid.",
    "RatingLevel": "How satisfied the applicant was.",
    "RepositoryItemKind": "What an item of the e-data repository is.",
    "ScheduledMergeStatus": "Where a scheduled merge stands.",
    "Timeliness": "When a finished dossier finished, against its due day.",
    "WebhookDeliveryStatus": "Where a webhook delivery stands.",
}


def describe_enum_values(schema: GraphQLSchema) -> None:
    """Gives each enum and enum value listed here its description, where it has none."""
    for name, description in ENUMS.items():
        kind = schema.type_map.get(name)
        if isinstance(kind, GraphQLEnumType) and not kind.description:
            kind.description = description
    for name, values in ENUM_VALUES.items():
        kind = schema.type_map.get(name)
        if not isinstance(kind, GraphQLEnumType):
            continue
        for value_name, description in values.items():
            value = kind.values.get(value_name)
            if value is not None and not value.description:
                value.description = description
