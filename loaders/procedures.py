"""Procedures by code."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from documents.catalogue.procedures import Procedure
from loaders.fetch import MAX_BATCH, find_documents, in_key_order


async def load_procedures_by_code(codes: list[str]) -> list[Procedure | None]:
    found = await find_documents(Procedure, {"code": {"$in": codes}})
    return in_key_order(codes, {p.code: p for p in found})


def procedure_by_code_loader() -> DataLoader[str, Procedure | None]:
    return DataLoader(load_procedures_by_code, max_batch_size=MAX_BATCH)
