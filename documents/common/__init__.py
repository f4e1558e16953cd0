"""Pieces every domain package shares: the clock and local time, errors, transactions, counters,
paging."""
