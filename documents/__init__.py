"""The domain: Beanie documents and the rules that belong to them. No GraphQL, no HTTP."""

from __future__ import annotations

from beanie import Document

from documents.access.api_keys import ApiKey
from documents.access.audit import AuditRecord
from documents.access.idempotency import IdempotencyRecord
from documents.access.rate_limits import RateLimitBucket
from documents.calendar.declared_days import CalendarDay
from documents.catalogue.agencies import Agency
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.procedures import Procedure
from documents.common.counters import Counter
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, follow_events
from documents.groups.definition import ProcedureGroup
from documents.groups.records import DossierGroup
from documents.groups.statistics import GroupStatsDay
from documents.merges.scheduling import ScheduledMerge
from documents.outbox.following import FIELDS as FOLLOWED_FIELDS
from documents.outbox.following import write_messages
from documents.outbox.messages import OutboxMessage
from documents.papers.attachments import Attachment
from documents.papers.consents import ReuseConsent
from documents.papers.repository import RepositoryItem
from documents.payments.orders import PaymentOrder
from documents.statistics.facts import DossierFact, OpenClock
from documents.statistics.ratings import Feedback, Rating
from documents.statistics.tables import StatsDay, StatsMonth
from documents.webhooks.delivery import WebhookCheckpoint, WebhookDelivery
from documents.webhooks.subscriptions import Webhook

# The one list of models, used by init_beanie in the app and in the tests.
DOCUMENT_MODELS: list[type[Document]] = [
    Agency,
    Procedure,
    FormSchema,
    Dossier,
    DossierEvent,
    ProcedureGroup,
    DossierGroup,
    Counter,
    CalendarDay,
    ApiKey,
    IdempotencyRecord,
    RateLimitBucket,
    AuditRecord,
    Webhook,
    WebhookDelivery,
    WebhookCheckpoint,
    Attachment,
    RepositoryItem,
    ReuseConsent,
    Rating,
    Feedback,
    DossierFact,
    StatsDay,
    StatsMonth,
    GroupStatsDay,
    OpenClock,
    ScheduledMerge,
    OutboxMessage,
    PaymentOrder,
]

# Every event-recording transaction also writes the outbox's messages (docs/integrations.md).
follow_events(write_messages, FOLLOWED_FIELDS)
