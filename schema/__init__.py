"""The GraphQL surface. `build_schema()` assembles every domain's queries and mutations."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from schema.access.schema import AdministrationMutations, AdministrationQueries
from schema.calendar.schema import CalendarMutations, CalendarQueries
from schema.catalogue.agencies.queries import AgencyQueries
from schema.catalogue.forms.schema import FormMutations, FormQueries
from schema.catalogue.procedures.schema import ProcedureMutations, ProcedureQueries
from schema.core.audit import AuditExtension
from schema.dossiers.mutations import DossierMutations
from schema.dossiers.public import PublicQueries
from schema.dossiers.queries import DossierQueries
from schema.dossiers.subscriptions import Subscription
from schema.merges.mutations import AgencyMutations
from schema.papers.mutations import AttachmentMutations
from schema.papers.queries import RepositoryQueries
from schema.statistics.queries import StatisticsQueries
from schema.statistics.ratings import RatingMutations
from schema.webhooks.schema import WebhookMutations, WebhookQueries
from schema.workflow.mutations import WorkflowMutations


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
