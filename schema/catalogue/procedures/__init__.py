"""GraphQL for administrative procedures."""
