"""GraphQL for admin-defined forms: drafts, publishing, retiring."""
