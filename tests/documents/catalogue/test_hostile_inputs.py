"""The published table of hostile inputs (docs/forms-hostile-inputs.json): the server's
validator and Ajv (2020, ajv-formats, the Vietnamese formats) decide every row alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from documents.catalogue.forms.formats import VN_FORMATS
from documents.catalogue.forms.validation import check_schema, validate_data
from tests.node import run_node

TABLE = Path(__file__).parents[3] / "docs" / "forms-hostile-inputs.json"
ROWS: list[dict[str, Any]] = json.loads(TABLE.read_text())["rows"]

AJV = """
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";

const { rows, vnFormats } = JSON.parse(readFileSync(0, "utf8"));
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
for (const [name, source] of Object.entries(vnFormats)) {
  ajv.addFormat(name, new RegExp(source, "u"));
}
const decided = rows.map((row) => {
  const check = ajv.compile(row.schema);
  const valid = check(row.data);
  return { valid, keywords: (check.errors || []).map((e) => e.keyword) };
});
process.stdout.write(JSON.stringify(decided));
"""


def _form(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"value": row["schema"]},
        "required": ["value"],
    }


def _data(row: dict[str, Any]) -> dict[str, Any]:
    value = row["value"]
    return {"value": value * row["repeat"] if "repeat" in row else value}


def test_the_table_has_the_cases_the_issue_names() -> None:
    assert 20 <= len(ROWS) <= 60
    assert len({row["name"] for row in ROWS}) == len(ROWS)
    assert {"BAD_PATTERN", "BAD_FORMAT", "NOT_ALLOWED", "TOO_LONG"} <= {r["reason"] for r in ROWS}
    assert any(row["valid"] for row in ROWS)
    assert not all(row["valid"] for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row["name"] for row in ROWS])
def test_the_server_decides_each_row_as_the_table_says(row: dict[str, Any]) -> None:
    check_schema(_form(row))  # every schema of the table is one a draft may have
    found = validate_data(_form(row), _data(row))
    assert (found == []) is row["valid"], found
    if not row["valid"]:
        assert [(v.path, v.code) for v in found] == [("/value", row["reason"])]
        said = " ".join(f"{v.message} {v.message_vi} {v.params}" for v in found)
        if len(str(row["value"])) > 3:
            assert str(row["value"]).strip() not in said


def test_ajv_decides_every_row_as_the_server_does() -> None:
    rows = [{"schema": _form(row), "data": _data(row)} for row in ROWS]
    done = run_node(AJV, {"rows": rows, "vnFormats": VN_FORMATS})
    assert done.returncode == 0, done.stderr
    decided = json.loads(done.stdout)
    disagreeing = [
        (row["name"], ajv["keywords"])
        for row, ajv in zip(ROWS, decided, strict=True)
        if ajv["valid"] is not row["valid"]
        or ajv["valid"] is not (validate_data(_form(row), _data(row)) == [])
    ]
    assert disagreeing == []
