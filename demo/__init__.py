"""Demo catalogue for Hà Nội's one-stop centre: agencies, forms, procedures, sample data."""
