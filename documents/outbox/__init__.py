"""The outbox: every message that leaves the system, written with the change that causes it."""
