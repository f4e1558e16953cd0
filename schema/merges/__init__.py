"""GraphQL for merging agencies, for system administrators."""
