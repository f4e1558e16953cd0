"""Benchmarks that time a path through the API against a baseline (docs/benchmarks.md).

Run each from the repository root as a module: `.venv/bin/python -m bench.read_path`.
"""
