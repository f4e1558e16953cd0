"""Access: principals, the access policy, integrators' API keys, the audit log and idempotency
keys."""
