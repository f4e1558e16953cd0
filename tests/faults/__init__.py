"""Fault tests: kill the database or the API under load, then count what was lost."""
