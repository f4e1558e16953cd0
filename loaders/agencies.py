"""Agencies by code, and each agency's children."""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from documents.catalogue.agencies import Agency
from loaders.fetch import MAX_BATCH, find_documents, grouped_in_key_order, in_key_order


async def load_agencies_by_code(codes: list[str]) -> list[Agency | None]:
    found = await find_documents(Agency, {"code": {"$in": codes}})
    return in_key_order(codes, {a.code: a for a in found})


async def load_agencies_by_parent(parents: list[str]) -> list[list[Agency]]:
    found = await find_documents(Agency, {"parent_code": {"$in": parents}}, sort=[("code", 1)])
    children: defaultdict[str, list[Agency]] = defaultdict(list)
    for agency in found:
        if agency.parent_code is not None:
            children[agency.parent_code].append(agency)
    return grouped_in_key_order(parents, children)


def agency_by_code_loader() -> DataLoader[str, Agency | None]:
    return DataLoader(load_agencies_by_code, max_batch_size=MAX_BATCH)


def agencies_by_parent_loader() -> DataLoader[str, list[Agency]]:
    return DataLoader(load_agencies_by_parent, max_batch_size=MAX_BATCH)
