"""Group submissions by code."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from documents.groups.records import DossierGroup
from loaders.fetch import MAX_BATCH, find_documents, in_key_order


async def load_groups_by_code(codes: list[str]) -> list[DossierGroup | None]:
    found = await find_documents(DossierGroup, {"code": {"$in": codes}})
    return in_key_order(codes, {g.code: g for g in found})


def group_by_code_loader() -> DataLoader[str, DossierGroup | None]:
    return DataLoader(load_groups_by_code, max_batch_size=MAX_BATCH)
