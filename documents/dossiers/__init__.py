"""Dossiers: the document and its parts, statuses, codes, events and their feed, search,
deadlines, privacy."""
