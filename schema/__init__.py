"""The GraphQL surface. `build_schema()` assembles every domain's queries and mutations."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from documents.catalogue.forms.definition import FormSchema
from schema.access.mutations import AdministrationMutations
from schema.access.queries import AdministrationQueries
from schema.calendar.mutations import CalendarMutations
from schema.calendar.queries import CalendarQueries
from schema.catalogue.agencies.queries import AgencyQueries
from schema.catalogue.forms.mutations import FormMutations
from schema.catalogue.forms.queries import FormQueries
from schema.catalogue.forms.typed import STATIC_FORM_DATA, FormDataTypes, form_data_types
from schema.catalogue.procedures.mutations import ProcedureMutations
from schema.catalogue.procedures.queries import ProcedureQueries
from schema.core.audit import AuditExtension
from schema.core.enum_values import describe_enum_values
from schema.core.errors_processing import MotcuaSchema
from schema.core.input_checks import InputChecks, describe_limits
from schema.core.queries import NodeQueries
from schema.core.rebuilding import rebuildable
from schema.core.scalars import SCALAR_OVERRIDES
from schema.core.unreadable import LeftOutErrors
from schema.dossiers.mutations import DossierMutations
from schema.dossiers.queries import DossierQueries, PublicQueries
from schema.dossiers.subscriptions import Subscription
from schema.dossiers.types import DossierType
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
get_object_definition(
    Query, strict=True
).description = "Reads: dossiers as you may see them, the catalogue, statistics and administration."
get_object_definition(
    Mutation, strict=True
).description = (
    "Changes. Expected failures come back in each payload's `errors`, with nothing changed."
)


# A published version never changes, but two databases (tests) may hold different
# versions under one (key, version): the id tells them apart.
FormsKey = tuple[tuple[str, int, str], ...]
_built: dict[FormsKey, strawberry.Schema] = {}
_KEEP = 4  # schemas kept besides the static one: the live one and a few before it


def _assemble(form_data: FormDataTypes | None) -> strawberry.Schema:
    # `Dossier.formData`'s union is the one thing that differs between builds.
    fields = get_object_definition(DossierType, strict=True).fields
    field = next(f for f in fields if f.name == "form_data")
    union = form_data.union if form_data else STATIC_FORM_DATA
    field.type_annotation = StrawberryAnnotation(union)
    try:
        schema = MotcuaSchema(
            query=Query,
            mutation=Mutation,
            subscription=Subscription,
            extensions=[AuditExtension, InputChecks, LeftOutErrors],
            scalar_overrides=SCALAR_OVERRIDES,
        )
    finally:
        field.type_annotation = StrawberryAnnotation(STATIC_FORM_DATA)
    describe_limits(schema._schema)  # the SDL states every text input's length limit
    describe_enum_values(schema._schema)  # the domain's enums' values, described
    return schema


def build_schema(forms: Sequence[FormSchema] = ()) -> strawberry.Schema:
    """The schema with a `<Key>FormData` type per key of the numbered `forms` (all their
    versions: `published_forms()`); with none, the static schema (`schema.graphql`).

    Built once per set of (key, version, id); a key that cannot be typed is left out (its
    dossiers answer `UntypedFormData`, and publishing it warned why).
    """
    numbered = sorted((f for f in forms if f.version is not None), key=_order)
    key: FormsKey = tuple((f.key, f.version or 0, str(f.id)) for f in numbered)
    with rebuildable():
        if key not in _built:
            static = _built.get(()) or _assemble(None)
            _built[()] = static
            if key:
                taken = set(static._schema.type_map)
                _built[key] = _assemble(form_data_types(numbered, taken))
                for old in [k for k in _built if k][:-_KEEP]:
                    del _built[old]
        return _built[key]


def _order(form: FormSchema) -> tuple[str, int]:
    return form.key, form.version or 0
