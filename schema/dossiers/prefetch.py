"""Reading a page's related documents ahead, one batch per kind, before its fields
resolve: each dossier's procedure, agencies and events are then at hand and those
fields resolve without awaiting (schema/dossiers/related.py). Only what the query
selects on the page's nodes is read, so the round trips stay what the loaders made
them: one per kind, whatever the page size."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from schema.core.context import Info
from schema.dossiers.types import DossierType

Selection = SelectedField | FragmentSpread | InlineFragment
AGENCY_FIELDS = frozenset({"receivingAgency", "handlingAgency"})
EVENT_FIELDS = frozenset({"events", "timeline"})


def _fields(selections: Iterable[Selection]) -> list[SelectedField]:
    """The fields of a selection set, those inside fragments included."""
    found: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.append(selection)
        else:
            found.extend(_fields(selection.selections))
    return found


def node_fields(info: Info) -> set[str]:
    """The names of the fields the query selects on `edges { node }` of this connection."""
    names: set[str] = set()
    for connection in info.selected_fields:
        for edges in _fields(connection.selections):
            if edges.name != "edges":
                continue
            for node in _fields(edges.selections):
                if node.name == "node":
                    names.update(field.name for field in _fields(node.selections))
    return names


async def read_ahead(info: Info, nodes: Sequence[DossierType]) -> None:
    """Loads, in one batch per kind, what the selected fields of `nodes` will ask for. A
    failed batch is left for the fields to report, each at its own path, as before."""
    wanted = node_fields(info)
    loaders = info.context.loaders
    reads: list[Awaitable[Any]] = []
    if "procedure" in wanted:
        codes = dict.fromkeys(n.procedure_code for n in nodes)
        reads.append(loaders.procedure_by_code.load_many(codes))
    if wanted & AGENCY_FIELDS:
        agencies = dict.fromkeys(
            code for n in nodes for code in (n.receiving_agency_code, n.handling_agency_code)
        )
        reads.append(loaders.agency_by_code.load_many(agencies))
    if wanted & EVENT_FIELDS:
        reads.append(loaders.events_by_dossier.load_many([n.code for n in nodes]))
    if reads:
        await asyncio.gather(*reads, return_exceptions=True)
