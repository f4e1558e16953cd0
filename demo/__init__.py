"""Demo data for Hà Nội's one-stop centre: catalogue, forms, sample dossiers and their history.

It imports only `documents`; `motcua seed` and `motcua serve --seed-if-empty` load it (seeding.py).
"""
