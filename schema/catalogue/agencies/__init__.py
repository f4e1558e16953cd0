"""GraphQL for agencies: the tree of units of the administration."""
