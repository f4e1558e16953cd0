"""Benchmarks that time a path through the API against a baseline (docs/benchmarks.md).

Run each from the repository root as a module: `.venv/bin/python -m bench.read_path`.
"""

import os

# The API refuses a SecantusDB it is not told syncs every commit (docs/durability.md).
# Without MONGODB_URI the benches start theirs with `database_uri`, which passes
# --sync-on-commit; say so, here and to the API processes they start.
if not (os.environ.get("MONGODB_URI") or os.environ.get("MOTCUA_MONGODB_URI")):
    os.environ.setdefault("MOTCUA_SECANTUS_SYNC_ON_COMMIT", "true")
