"""The GraphQL surface. `build_schema()` assembles every domain's queries and mutations."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry.tools import merge_types

from schema.access.mutations import AdministrationMutations
from schema.access.queries import AdministrationQueries
from schema.calendar.mutations import CalendarMutations
from schema.calendar.queries import CalendarQueries
from schema.catalogue.agencies.queries import AgencyQueries
from schema.catalogue.forms.mutations import FormMutations
from schema.catalogue.forms.queries import FormQueries
from schema.catalogue.procedures.mutations import ProcedureMutations
from schema.catalogue.procedures.queries import ProcedureQueries
from schema.core.audit import AuditExtension
from schema.core.errors_processing import MotcuaSchema
from schema.core.input_checks import InputChecks, describe_limits
from schema.core.queries import NodeQueries
from schema.core.scalars import SCALAR_OVERRIDES
from schema.core.unreadable import LeftOutErrors
from schema.dossiers.mutations import DossierMutations
from schema.dossiers.queries import DossierQueries, PublicQueries
from schema.dossiers.subscriptions import Subscription
from schema.groups.mutations import ProcedureGroupMutations
from schema.groups.queries import ProcedureGroupQueries
from schema.groups.reading import DossierGroupQueries
from schema.groups.sharing import GroupPaperMutations
from schema.groups.submission import GroupSubmissionMutations
from schema.merges.mutations import AgencyMutations
from schema.merges.queries import MergeQueries
from schema.outbox.mutations import OutboxMutations
from schema.outbox.queries import OutboxQueries
from schema.papers.grants import ReuseGrantMutations
from schema.papers.mutations import AttachmentMutations
from schema.papers.proofs import ProofMutations
from schema.papers.queries import RepositoryQueries
from schema.payments.exemptions import ExemptionMutations
from schema.payments.orders import PaymentOrderMutations
from schema.payments.transfers import TransferMutations
from schema.statistics.groups import GroupStatisticsQueries
from schema.statistics.mutations import RatingMutations
from schema.statistics.queries import StatisticsQueries
from schema.webhooks.mutations import WebhookMutations
from schema.webhooks.queries import WebhookQueries
from schema.workflow.mutations import WorkflowMutations

# The order of the classes is the order of the fields in the SDL (schema.graphql).
Query = merge_types(
    "Query",
    (
        DossierQueries,
        DossierGroupQueries,
        PublicQueries,
        ProcedureQueries,
        ProcedureGroupQueries,
        FormQueries,
        AgencyQueries,
        MergeQueries,
        CalendarQueries,
        AdministrationQueries,
        RepositoryQueries,
        WebhookQueries,
        OutboxQueries,
        StatisticsQueries,
        GroupStatisticsQueries,
        NodeQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        DossierMutations,
        GroupSubmissionMutations,
        GroupPaperMutations,
        WorkflowMutations,
        AttachmentMutations,
        PaymentOrderMutations,
        ExemptionMutations,
        TransferMutations,
        ProofMutations,
        ReuseGrantMutations,
        FormMutations,
        ProcedureMutations,
        ProcedureGroupMutations,
        CalendarMutations,
        AdministrationMutations,
        AgencyMutations,
        WebhookMutations,
        OutboxMutations,
        RatingMutations,
    ),
)


@cache  # Strawberry's relay fields bind resolvers at build time; build once per process.
def build_schema() -> strawberry.Schema:
    schema = MotcuaSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[AuditExtension, InputChecks, LeftOutErrors],
        scalar_overrides=SCALAR_OVERRIDES,
    )
    describe_limits(schema._schema)  # the SDL states every text input's length limit
    return schema
