"""GraphQL for webhooks: register, list, delete, inspect and redeliver."""
