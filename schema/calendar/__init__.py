"""GraphQL for the calendar: declared days off and make-up working days."""
