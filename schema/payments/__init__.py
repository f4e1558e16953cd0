"""Payment orders, exemptions and bank transfers (docs/payments.md)."""
