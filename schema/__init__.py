"""The GraphQL surface. `build_schema()` assembles every domain's queries and mutations."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from schema.administration import AdministrationMutations, AdministrationQueries
from schema.agencies.merges import AgencyMutations
from schema.agencies.queries import AgencyQueries
from schema.audit import AuditExtension
from schema.calendar import CalendarMutations, CalendarQueries
from schema.dossiers.attachments import AttachmentMutations
from schema.dossiers.mutations import DossierMutations
from schema.dossiers.queries import DossierQueries
from schema.dossiers.workflow import WorkflowMutations
from schema.forms.schema import FormMutations, FormQueries
from schema.procedures.schema import ProcedureMutations, ProcedureQueries
from schema.public import PublicQueries
from schema.repository import RepositoryQueries
from schema.statistics.queries import StatisticsQueries
from schema.statistics.ratings import RatingMutations
from schema.subscriptions import Subscription
from schema.webhooks import WebhookMutations, WebhookQueries


@strawberry.type
class NodeQueries:
    node: relay.Node | None = relay.node(
        description="Any object, by its global id; null when unknown or not yours to see."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Several objects, by their global ids; null where unknown or hidden."
    )


Query = merge_types(
    "Query",
    (
        DossierQueries,
        PublicQueries,
        ProcedureQueries,
        FormQueries,
        AgencyQueries,
        CalendarQueries,
        AdministrationQueries,
        RepositoryQueries,
        WebhookQueries,
        StatisticsQueries,
        NodeQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        DossierMutations,
        WorkflowMutations,
        AttachmentMutations,
        FormMutations,
        ProcedureMutations,
        CalendarMutations,
        AdministrationMutations,
        AgencyMutations,
        WebhookMutations,
        RatingMutations,
    ),
)


@cache  # Strawberry's relay fields bind resolvers at build time; build once per process.
def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=[AuditExtension]
    )
