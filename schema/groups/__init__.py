"""Interconnected procedure groups (liên thông, Decree 63/2024/NĐ-CP) in GraphQL."""
