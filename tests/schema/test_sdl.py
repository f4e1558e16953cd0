from __future__ import annotations

from pathlib import Path

from schema import build_schema

COMMITTED = Path(__file__).parents[2] / "schema.graphql"


def test_committed_schema_graphql_matches_the_code() -> None:
    current = build_schema().as_str() + "\n"
    assert COMMITTED.read_text() == current, (
        "schema.graphql is out of date: run `.venv/bin/motcua sdl > schema.graphql`"
    )
