"""GraphQL for papers: uploads, results, and the applicant's e-data repository."""
