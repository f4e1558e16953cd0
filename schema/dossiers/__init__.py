"""GraphQL for dossiers: the Dossier type and what it carries, listing, look-up, submission and
live events."""
