"""Each dossier's attachments."""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from documents.papers.attachments import Attachment
from loaders.fetch import MAX_BATCH, find_documents, grouped_in_key_order


async def load_attachments_by_dossier(codes: list[str]) -> list[list[Attachment]]:
    """Each dossier's attachments, oldest first."""
    found = await find_documents(
        Attachment, {"dossier_code": {"$in": codes}}, sort=[("dossier_code", 1), ("_id", 1)]
    )
    attachments: defaultdict[str, list[Attachment]] = defaultdict(list)
    for attachment in found:
        attachments[attachment.dossier_code].append(attachment)
    return grouped_in_key_order(codes, attachments)


def attachments_by_dossier_loader() -> DataLoader[str, list[Attachment]]:
    return DataLoader(load_attachments_by_dossier, max_batch_size=MAX_BATCH)
