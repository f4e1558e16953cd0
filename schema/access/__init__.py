"""GraphQL for access: integrators' API keys and the audit log, for administrators."""
