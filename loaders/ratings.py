"""What applicants thought of their dossiers: ratings and feedback, by dossier code."""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from documents.statistics.ratings import Feedback, Rating
from loaders.fetch import MAX_BATCH, find_documents, grouped_in_key_order, in_key_order


async def load_ratings_by_dossier(codes: list[str]) -> list[Rating | None]:
    """Each dossier's rating; a dossier is rated at most once."""
    found = await find_documents(Rating, {"dossier_code": {"$in": codes}})
    return in_key_order(codes, {r.dossier_code: r for r in found})


async def load_feedback_by_dossier(codes: list[str]) -> list[list[Feedback]]:
    """Each dossier's feedback, oldest first."""
    found = await find_documents(
        Feedback,
        {"dossier_code": {"$in": codes}},
        sort=[("dossier_code", 1), ("filed_at", 1), ("_id", 1)],
    )
    feedback: defaultdict[str, list[Feedback]] = defaultdict(list)
    for item in found:
        feedback[item.dossier_code].append(item)
    return grouped_in_key_order(codes, feedback)


def rating_by_dossier_loader() -> DataLoader[str, Rating | None]:
    return DataLoader(load_ratings_by_dossier, max_batch_size=MAX_BATCH)


def feedback_by_dossier_loader() -> DataLoader[str, list[Feedback]]:
    return DataLoader(load_feedback_by_dossier, max_batch_size=MAX_BATCH)
