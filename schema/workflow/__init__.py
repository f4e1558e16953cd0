"""GraphQL for the workflow: officer and applicant actions on a dossier."""
