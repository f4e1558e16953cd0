"""The domain: Beanie documents and the rules that belong to them. No GraphQL, no HTTP."""

from __future__ import annotations

from beanie import Document

from documents.agency import Agency
from documents.api_key import ApiKey
from documents.attachment import Attachment
from documents.audit import AuditRecord
from documents.calendar_days import CalendarDay
from documents.counter import Counter
from documents.dossier import Dossier
from documents.event import DossierEvent
from documents.form import FormSchema
from documents.idempotency import IdempotencyRecord
from documents.procedure import Procedure
from documents.ratings import Feedback, Rating
from documents.repository import RepositoryItem
from documents.rollups import DossierFact, OpenClock
from documents.stats_tables import StatsDay, StatsMonth
from documents.webhook import Webhook
from documents.webhook_delivery import WebhookCheckpoint, WebhookDelivery

# The one list of models, used by init_beanie in the app and in the tests.
DOCUMENT_MODELS: list[type[Document]] = [
    Agency,
    Procedure,
    FormSchema,
    Dossier,
    DossierEvent,
    Counter,
    CalendarDay,
    ApiKey,
    IdempotencyRecord,
    AuditRecord,
    Webhook,
    WebhookDelivery,
    WebhookCheckpoint,
    Attachment,
    RepositoryItem,
    Rating,
    Feedback,
    DossierFact,
    StatsDay,
    StatsMonth,
    OpenClock,
]
