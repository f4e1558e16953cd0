"""Admin-defined forms: their definition, validation and life cycle."""
