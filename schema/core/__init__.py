"""What every GraphQL domain package shares: context, errors, permissions, pagination, scalars,
enums, audit and the mutation machinery."""
