"""The query shapes the API sends, each with the index that should serve it: what
`motcua doctor` explains against a deployment (docs/production.md).

The filters and sorts come from the functions that build them where those exist (the
dossier list, the event feeds, the delivery leases, the roll-ups), private ones
included: a shape written out by hand here could drift from the code it stands for.
The values are samples; only the shape matters to the planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bson import ObjectId

from documents.common.deliveries import DeliveryStatus, due
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from documents.dossiers.feed import replay_stages
from documents.dossiers.search import (
    DossierFilter,
    DossierOrder,
    Position,
    after_position,
    filter_query,
    sort_for,
)
from documents.dossiers.statuses import DossierStatus
from documents.groups.records import DossierGroup
from documents.groups.statistics import GroupStatsDay
from documents.outbox.messages import Destination, OutboxMessage
from documents.statistics.deadline_sweep import passed_uncounted
from documents.statistics.facts import OpenClock
from documents.statistics.indicators import Scope, match_stages
from documents.statistics.tables import StatsDay, StatsMonth
from documents.webhooks.delivery import WebhookDelivery

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DOSSIER = "000.00.00.H26-260105-0001"
AGENCY = "000.00.00.H26"
PROCEDURE = "1.000001"
GROUP = "LT-260105-0001"
WEBHOOK = "wh_sample"


@dataclass(frozen=True)
class QueryShape:
    """One query the API sends: a find (`filter`, `sort`) or an aggregation (`pipeline`),
    and the names of the indexes that should serve it (the first is the declared one)."""

    name: str
    collection: str
    indexes: tuple[str, ...]
    filter: dict[str, Any] = field(default_factory=dict)
    sort: list[tuple[str, int]] | None = None
    pipeline: list[dict[str, Any]] | None = None
    where: str = ""  # the code path it comes from

    def command(self) -> dict[str, Any]:
        """The command to `explain`: it reads, never writes (a lease is explained as the
        find with the same filter and sort)."""
        if self.pipeline is not None:
            return {"aggregate": self.collection, "pipeline": self.pipeline, "cursor": {}}
        command: dict[str, Any] = {"find": self.collection, "filter": self.filter, "limit": 21}
        if self.sort:
            command["sort"] = dict(self.sort)
        return command


def _name(model: type[Any]) -> str:
    return str(model.Settings.name)


def _dossier_list(
    label: str, spec: DossierFilter, index: str, order: DossierOrder = DossierOrder.RECEIVED_AT_DESC
) -> QueryShape:
    return QueryShape(
        f"dossiers: {label}",
        _name(Dossier),
        (index,),
        filter=filter_query(spec, NOW),
        sort=sort_for(order),
        where="documents/dossiers/search.py",
    )


def _keyset(index: str) -> str:
    return f"{index}_1_received_at_-1_code_-1"


def dossier_shapes() -> list[QueryShape]:
    newest = "received_at_-1_code_-1"
    after = Position(NOW, DOSSIER)
    return [
        _dossier_list("newest first", DossierFilter(), newest),
        _dossier_list("by code", DossierFilter(), "code_1", DossierOrder.CODE_ASC),
        QueryShape(
            "dossiers: next page (keyset cursor)",
            _name(Dossier),
            (newest,),
            filter=after_position(DossierOrder.RECEIVED_AT_DESC, after),
            sort=sort_for(DossierOrder.RECEIVED_AT_DESC),
            where="documents/dossiers/search.py",
        ),
        _dossier_list(
            "by status", DossierFilter(status=[DossierStatus.RECEIVED]), _keyset("status")
        ),
        _dossier_list(
            "by procedure", DossierFilter(procedure_code=PROCEDURE), _keyset("procedure_code")
        ),
        _dossier_list("by agency", DossierFilter(agency_code=AGENCY), _keyset("agency_codes")),
        _dossier_list(
            "by applicant", DossierFilter(applicant_id="0" * 12), _keyset("applicant.id_number")
        ),
        _dossier_list("overdue", DossierFilter(overdue=True), "due"),
        _dossier_list("due before a day", DossierFilter(due_before=date(2026, 1, 10)), "due"),
        QueryShape(
            "dossier by code", _name(Dossier), ("code_1",), {"code": DOSSIER}, where="dossier.py"
        ),
        QueryShape(
            "dossiers of a group",
            _name(Dossier),
            ("group_code_1",),
            {"group_code": GROUP},
            where="documents/groups/",
        ),
        QueryShape(
            "dossier by portal reference",
            _name(Dossier),
            ("portal_reference",),
            {"portal_reference": "P-1"},
            where="documents/workflow/submitting.py",
        ),
    ]


def event_shapes() -> list[QueryShape]:
    events = _name(DossierEvent)
    return [
        QueryShape(
            "events of dossiers (loader)",
            events,
            ("by_dossier",),
            {"dossier_code": {"$in": [DOSSIER, DOSSIER[:-1] + "2"]}},
            [("dossier_code", 1), ("_id", 1)],
            where="loaders/dossiers.py",
        ),
        QueryShape(
            "events after a position (replay)",
            events,
            ("position",),
            pipeline=replay_stages(10, 20, {}),
            where="documents/dossiers/feed.py",
        ),
        QueryShape(
            "one dossier's events after a position",
            events,
            ("by_dossier_position",),
            pipeline=replay_stages(10, 20, {"dossier_code": DOSSIER}),
            where="documents/dossiers/feed.py",
        ),
        QueryShape(
            "one group's events after a position",
            events,
            ("by_group_position",),
            pipeline=replay_stages(10, 20, {"group_code": {"$in": [GROUP]}}),
            where="documents/dossiers/feed.py",
        ),
        QueryShape(
            "latest event position",
            events,
            ("position",),
            {"position": {"$gte": 0}},
            [("position", -1)],
            where="documents/dossiers/feed.py",
        ),
        QueryShape(
            "webhook feed after a position",
            events,
            ("position",),
            {"position": {"$gt": 10}},
            [("position", 1)],
            where="documents/webhooks/delivery.py",
        ),
    ]


def delivery_shapes() -> list[QueryShape]:
    outbox, deliveries = _name(OutboxMessage), _name(WebhookDelivery)
    portal = Destination.PORTAL.value
    pending = DeliveryStatus.PENDING.value
    return [
        QueryShape(
            "outbox: due messages (lease)",
            outbox,
            ("due",),
            {**due(NOW), "destination": portal},
            [("next_attempt_at", 1)],
            where="documents/outbox/ordering.py",
        ),
        QueryShape(
            "outbox: earlier message in line",
            outbox,
            ("by_key",),
            {
                "destination": portal,
                "key": DOSSIER,
                "status": pending,
                "$or": [{"sequence": {"$lt": 2}}, {"sequence": 2, "_id": {"$lt": ObjectId()}}],
            },
            where="documents/outbox/ordering.py",
        ),
        QueryShape(
            "outbox: oldest pending per destination",
            outbox,
            ("by_status",),
            {"destination": portal, "status": pending},
            [("created_at", 1)],
            where="documents/outbox/backlog.py",
        ),
        QueryShape(
            "outbox: messages of a destination",
            outbox,
            ("by_destination",),
            {"destination": portal},
            [("_id", -1)],
            where="documents/outbox/backlog.py",
        ),
        QueryShape(
            "webhook deliveries: due (lease)",
            deliveries,
            ("due",),
            due(NOW),
            [("next_attempt_at", 1)],
            where="documents/webhooks/delivery.py",
        ),
        QueryShape(
            "webhook deliveries of a webhook",
            deliveries,
            ("by_webhook",),
            {"webhook_id": WEBHOOK},
            [("_id", -1)],
            where="documents/webhooks/delivery.py",
        ),
        QueryShape(
            "webhook deliveries of events",
            deliveries,
            ("event_id_1_webhook_id_1",),
            {"event_id": {"$in": [ObjectId()]}},
            where="documents/webhooks/delivery.py",
        ),
    ]


def _rollup(label: str, model: type[Any], scope: Scope, key: str, index: str) -> QueryShape:
    low, high = ("2026-01-01", "2026-01-31") if model is StatsDay else ("2025-01", "2025-12")
    return QueryShape(
        f"roll-ups: {label}",
        _name(model),
        (index,),
        pipeline=match_stages(scope, key, low, high),
        where="documents/statistics/indicators.py",
    )


def statistics_shapes() -> list[QueryShape]:
    one_agency = Scope(agency_codes=frozenset({AGENCY}))
    return [
        _rollup("days of one agency", StatsDay, one_agency, "day", "by_level_agency_day"),
        _rollup("months of one agency", StatsMonth, one_agency, "month", "by_level_agency_day"),
        _rollup(
            "days of one procedure",
            StatsDay,
            Scope(procedure_code=PROCEDURE),
            "day",
            "by_level_procedure_day",
        ),
        _rollup("months of the city", StatsMonth, Scope(), "month", "by_level_day"),
        QueryShape(
            "open clocks past their deadline",
            _name(OpenClock),
            ("uncounted",),
            passed_uncounted(NOW),
            where="documents/statistics/deadline_sweep.py",
        ),
    ]


def group_shapes() -> list[QueryShape]:
    return [
        QueryShape(
            "group by code",
            _name(DossierGroup),
            ("code_1",),
            {"code": GROUP},
            where="documents/groups/lookup.py",
        ),
        QueryShape(
            "group statistics by day",
            _name(GroupStatsDay),
            ("by_day",),
            {"day": {"$gte": "2026-01-01", "$lte": "2026-01-31"}},
            where="documents/groups/statistics.py",
        ),
    ]


def query_shapes() -> list[QueryShape]:
    """Every shape, the dossier list's filters and sorts first."""
    return [
        *dossier_shapes(),
        *event_shapes(),
        *delivery_shapes(),
        *statistics_shapes(),
        *group_shapes(),
    ]
