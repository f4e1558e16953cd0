"""Domain enums, registered with Strawberry under their own names.

`strawberry.enum` marks the class in place, so resolvers annotate with the domain
classes themselves; importing this module is what exposes them.
"""

from __future__ import annotations

import strawberry

from documents.access.principals import Operation
from documents.calendar.declared_days import CalendarDayKind
from documents.catalogue.agencies import AgencyLevel, AgencyState
from documents.catalogue.forms.definition import FormStatus
from documents.catalogue.procedures import (
    AuthorityRule,
    FeeKind,
    NationalDatabase,
    OfficerRole,
    OnlineService,
)
from documents.common.errors import ErrorCode
from documents.dossiers.dossier import ApplicantKind, Channel, NotificationChannel
from documents.dossiers.events import EventType
from documents.dossiers.parts import PaymentMethod, PaymentStatus, Timeliness
from documents.dossiers.search import DossierOrder
from documents.dossiers.statuses import DossierStatus
from documents.groups.records import GroupStatus
from documents.national.population import LookupResult
from documents.papers.attachments import AttachmentKind, PaperDigitisation, PaperSource
from documents.papers.repository import RepositoryItemKind
from documents.payments.orders import LineKind, OrderStatus
from documents.statistics.indicators import Granularity
from documents.statistics.ratings import FeedbackKind, RatingLevel
from documents.webhooks.delivery import DeliveryStatus

for _enum in (
    AgencyLevel,
    AuthorityRule,
    AgencyState,
    AttachmentKind,
    PaperSource,
    PaperDigitisation,
    OnlineService,
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
    RatingLevel,
    FeedbackKind,
    Granularity,
    CalendarDayKind,
):
    strawberry.enum(_enum)
strawberry.enum(EventType, description="What happened to a dossier.")
strawberry.enum(Operation, name="ApiKeyOperation")
strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus")
strawberry.enum(NationalDatabase, description="A national database that replaces a paper.")
strawberry.enum(LookupResult, description="What a national database answered.")
strawberry.enum(GroupStatus, description="A group submission's status (docs/groups.md).")
strawberry.enum(NotificationChannel, description="How an applicant is told of a dossier.")
strawberry.enum(LineKind, name="PaymentLineKind", description="FEE (phí) or CHARGE (lệ phí).")
strawberry.enum(OrderStatus, name="PaymentOrderStatus", description="A payment order's state.")

__all__ = [
    "AgencyLevel",
    "AgencyState",
    "ApplicantKind",
    "AttachmentKind",
    "AuthorityRule",
    "CalendarDayKind",
    "Channel",
    "DeliveryStatus",
    "DossierOrder",
    "DossierStatus",
    "ErrorCode",
    "EventType",
    "FeeKind",
    "FeedbackKind",
    "FormStatus",
    "Granularity",
    "GroupStatus",
    "LineKind",
    "LookupResult",
    "NationalDatabase",
    "NotificationChannel",
    "OfficerRole",
    "Operation",
    "OrderStatus",
    "PaperSource",
    "PaymentMethod",
    "PaymentStatus",
    "RatingLevel",
    "RepositoryItemKind",
    "Timeliness",
]
