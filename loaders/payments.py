"""Payment orders, by dossier code."""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from documents.payments.orders import PaymentOrder
from loaders.fetch import MAX_BATCH, find_documents, grouped_in_key_order


async def load_orders_by_dossier(codes: list[str]) -> list[list[PaymentOrder]]:
    """Each dossier's payment orders, oldest first."""
    found = await find_documents(
        PaymentOrder,
        {"dossier_code": {"$in": codes}},
        sort=[("dossier_code", 1), ("created_at", 1), ("_id", 1)],
    )
    orders: defaultdict[str, list[PaymentOrder]] = defaultdict(list)
    for order in found:
        orders[order.dossier_code].append(order)
    return grouped_in_key_order(codes, orders)


def orders_by_dossier_loader() -> DataLoader[str, list[PaymentOrder]]:
    return DataLoader(load_orders_by_dossier, max_batch_size=MAX_BATCH)
