"""GraphQL for the catalogue: agencies, procedures and forms."""
