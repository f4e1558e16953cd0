"""docs/forms.md's walkthrough, run as written: each documented request in order,
each answer compared with the documented one, so the page cannot drift."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from api.settings import Settings
from tests.conftest import GraphQLClient

DOC = Path(__file__).parents[4] / "docs" / "forms.md"
STEP = re.compile(r"<!-- walkthrough step as (\w+) -->")
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
ANY = "…"


@dataclass(frozen=True)
class Step:
    role: str
    query: str
    variables: dict[str, Any]
    answer: dict[str, Any]


def steps(text: str) -> list[Step]:
    """Each marked step: the next three fenced blocks, GraphQL, variables, answer."""
    found = []
    for marker in STEP.finditer(text):
        blocks = FENCE.findall(text, marker.end())[:3]
        assert [lang for lang, _ in blocks] == ["graphql", "json", "json"], marker.group(0)
        (_, query), (_, variables), (_, answer) = blocks
        found.append(Step(marker.group(1), query, json.loads(variables), json.loads(answer)))
    return found


def substituted(value: Any, captured: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: substituted(child, captured) for key, child in value.items()}
    if isinstance(value, list):
        return [substituted(child, captured) for child in value]
    if isinstance(value, str) and value.startswith("$") and value[1:] in captured:
        return captured[value[1:]]
    return value


def matches(expected: Any, actual: Any, captured: dict[str, Any], at: str = "") -> None:
    """`actual` is `expected`, where "…" is any value and "$name" is captured once."""
    if expected == ANY:
        return
    if isinstance(expected, str) and re.fullmatch(r"\$\w+", expected):
        name = expected[1:]
        if name in captured:
            assert actual == captured[name], at
        else:
            captured[name] = actual
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict), (at, actual)
        assert set(actual) == set(expected), (at, actual)
        for key, child in expected.items():
            matches(child, actual[key], captured, f"{at}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), (at, actual)
        assert len(actual) == len(expected), (at, actual)
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            matches(want, got, captured, f"{at}.{index}")
    else:
        assert actual == expected, (at, actual)


def test_the_walkthrough_shows_each_kind_of_step() -> None:
    documented = steps(DOC.read_text(encoding="utf-8"))
    mutations = [re.findall(r"\{\s*(\w+)", step.query)[0] for step in documented]
    assert mutations == [
        "createFormDraft", "createFormDraft", "createFormDraft", "publishForm",
        "createProcedure", "createProcedure", "createProcedure",
        "submitDossier", "submitDossier",
    ]  # fmt: skip


async def test_the_walkthrough_answers_as_documented(
    http: httpx.AsyncClient, settings: Settings, tiny_catalogue: None
) -> None:
    client = GraphQLClient(http, settings)
    captured: dict[str, Any] = {}
    for number, step in enumerate(steps(DOC.read_text(encoding="utf-8")), start=1):
        as_role = client.as_role(step.role)
        data = await as_role.data(step.query, substituted(step.variables, captured))
        matches(step.answer, data, captured, f"step {number}")
    assert captured["formId"]
