"""Domain enums, registered with Strawberry under their own names.

`strawberry.enum` marks the class in place, so resolvers annotate with the domain
classes themselves; importing this module is what exposes them.
"""

from __future__ import annotations

import strawberry

from documents.catalogue.agencies import AgencyLevel, AgencyState
from documents.catalogue.forms.definition import FormStatus
from documents.catalogue.procedures import FeeKind, OfficerRole
from documents.common.errors import ErrorCode
from documents.dossiers.dossier import ApplicantKind, Channel, DossierStatus
from documents.dossiers.parts import PaymentMethod, PaymentStatus, Timeliness
from documents.dossiers.search import DossierOrder
from documents.papers.attachments import AttachmentKind, PaperSource
from documents.papers.repository import RepositoryItemKind

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
