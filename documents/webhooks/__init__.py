"""Webhooks: subscriptions, their delivery outbox, and which targets are allowed."""
