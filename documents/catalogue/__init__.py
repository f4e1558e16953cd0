"""The catalogue: agencies, procedures and their forms, and the references between them."""
