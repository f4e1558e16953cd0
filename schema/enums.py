"""Domain enums, registered with Strawberry under their own names.

`strawberry.enum` marks the class in place, so resolvers annotate with the domain
classes themselves; importing this module is what exposes them.
"""

from __future__ import annotations

import strawberry

from documents.agency import AgencyLevel, AgencyState
from documents.attachment import AttachmentKind, PaperSource
from documents.dossier import ApplicantKind, Channel, DossierStatus
from documents.dossier_parts import PaymentMethod, PaymentStatus, Timeliness
from documents.dossier_search import DossierOrder
from documents.errors import ErrorCode
from documents.form import FormStatus
from documents.procedure import FeeKind, OfficerRole
from documents.repository import RepositoryItemKind

for _enum in (
    AgencyLevel,
    AgencyState,
    AttachmentKind,
    PaperSource,
    RepositoryItemKind,
    ApplicantKind,
    Channel,
    DossierStatus,
    DossierOrder,
    ErrorCode,
    FormStatus,
    FeeKind,
    OfficerRole,
    PaymentMethod,
    PaymentStatus,
    Timeliness,
):
    strawberry.enum(_enum)

__all__ = [
    "AgencyLevel",
    "AgencyState",
    "ApplicantKind",
    "AttachmentKind",
    "Channel",
    "DossierOrder",
    "DossierStatus",
    "ErrorCode",
    "FeeKind",
    "FormStatus",
    "OfficerRole",
    "PaperSource",
    "PaymentMethod",
    "PaymentStatus",
    "RepositoryItemKind",
    "Timeliness",
]
