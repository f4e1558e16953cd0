"""The outbox seen by operators: backlog, dead letters, redelivery (docs/integrations.md)."""
