"""Forms by key and version, by id, and each key's current published version."""

from __future__ import annotations

from beanie import PydanticObjectId
from strawberry.dataloader import DataLoader

from documents.catalogue.forms.definition import FormSchema, FormStatus
from loaders.fetch import MAX_BATCH, find_documents, in_key_order

FormVersion = tuple[str, int]


async def load_forms_by_version(keys: list[FormVersion]) -> list[FormSchema | None]:
    names = sorted({key for key, _ in keys})
    versions = sorted({version for _, version in keys})
    found = await find_documents(FormSchema, {"key": {"$in": names}, "version": {"$in": versions}})
    return in_key_order(keys, {(f.key, f.version): f for f in found if f.version is not None})


async def load_current_forms(keys: list[str]) -> list[FormSchema | None]:
    """The newest published version of each form key."""
    found = await find_documents(
        FormSchema,
        {"key": {"$in": keys}, "status": FormStatus.PUBLISHED.value},
        sort=[("key", 1), ("version", 1)],
    )
    # Ascending order: the last one written for a key is its newest version.
    return in_key_order(keys, {f.key: f for f in found})


async def load_forms_by_id(ids: list[PydanticObjectId]) -> list[FormSchema | None]:
    found = await find_documents(FormSchema, {"_id": {"$in": ids}})
    return in_key_order(ids, {f.id: f for f in found})


def form_by_version_loader() -> DataLoader[FormVersion, FormSchema | None]:
    return DataLoader(load_forms_by_version, max_batch_size=MAX_BATCH)


def current_form_loader() -> DataLoader[str, FormSchema | None]:
    return DataLoader(load_current_forms, max_batch_size=MAX_BATCH)


def form_by_id_loader() -> DataLoader[PydanticObjectId, FormSchema | None]:
    return DataLoader(load_forms_by_id, max_batch_size=MAX_BATCH)
