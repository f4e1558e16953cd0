"""Merging agencies and moving their open dossiers (docs/merges.md)."""
