"""Random documents built from the schema, posted to the production app: our own
generator (`DOCUMENTS`), and schemathesis's GraphQL fuzzer (hypothesis-graphql) within a
time budget. No answer is a 5xx, a traceback, or an error without `extensions.code`."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
import schemathesis
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    NameNode,
    ObjectFieldNode,
    ValueNode,
    is_abstract_type,
    is_composite_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.graphql import nodes

from api.authentication import issue_token
from api.settings import Settings
from schema import build_schema
from tests.catalogue import APPLICANT_ID, CITY, PROCEDURE, WARD, load_tiny_catalogue
from tests.conftest import running_app

SCHEMA = build_schema()._schema
# Python's own words for failures; none may reach a client.
INTERNALS = re.compile(
    r"Traceback|File \"|NoneType|object has no attribute|\b[A-Z]\w*(Error|Exception)\b"
)
# Names and values the message quotes (schema types such as DossierError, client input).
QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
NAMES = st.from_regex(r"[_A-Za-z][_0-9A-Za-z]{0,8}", fullmatch=True)


def literal(value: Any) -> str:
    """A GraphQL literal for a JSON-like value; bare names stand for enum values."""
    if isinstance(value, str) and value.startswith("@"):
        return value[1:]
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "null" if value is None else json.dumps(value)


GARBAGE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | NAMES.map(lambda name: "@" + name),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=6,
)


KNOWN = st.sampled_from([WARD, CITY, PROCEDURE, "permit", APPLICANT_ID]) | st.text(max_size=12)
GLOBAL_IDS = st.tuples(
    st.sampled_from(["Agency", "Procedure", "Form", "Dossier", "Nope"]), KNOWN
).map(lambda pair: base64.b64encode(":".join(pair).encode()).decode())
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "Int": st.integers(min_value=-5, max_value=150),
    "Boolean": st.booleans(),
    "ID": GLOBAL_IDS | KNOWN,
    "Date": st.dates().map(str),
    "DateTime": st.datetimes().map(lambda d: d.isoformat()),
}


def rarely() -> st.SearchStrategy[bool]:
    # Not `== 0`: Hypothesis draws boundary values far more often than others.
    return st.integers(0, 29).map(lambda n: n == 17)


def sometimes_garbage(typed: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return rarely().flatmap(lambda garbage: GARBAGE if garbage else typed)


def value_for(type_: GraphQLInputType, depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly well-typed values, so that resolvers run; sometimes garbage."""
    if isinstance(type_, GraphQLNonNull):
        return value_for(type_.of_type, depth)
    if isinstance(type_, GraphQLList):
        typed = st.lists(value_for(type_.of_type, depth), max_size=3)
    elif isinstance(type_, GraphQLEnumType):
        typed = st.sampled_from(["@" + name for name in type_.values])
    elif isinstance(type_, GraphQLInputObjectType) and depth < 3:
        fields = {name: value_for(f.type, depth + 1) for name, f in type_.fields.items()}
        required = {n for n, f in type_.fields.items() if isinstance(f.type, GraphQLNonNull)}
        typed = st.fixed_dictionaries(
            {n: fields[n] for n in sorted(required)},
            optional={n: v for n, v in fields.items() if n not in required},
        )
    elif isinstance(type_, GraphQLScalarType):
        typed = SCALARS.get(type_.name, KNOWN)
    else:
        return GARBAGE
    return sometimes_garbage(typed)


@st.composite
def selection(draw: st.DrawFn, type_: GraphQLNamedType, depth: int) -> str:
    """A selection set for `type_`: known fields with arguments, now and then nonsense."""
    if is_abstract_type(type_):
        concrete = draw(st.sampled_from(SCHEMA.get_possible_types(type_)))  # type: ignore[arg-type]
        return f"{{ __typename ... on {concrete.name} {draw(selection(concrete, depth))} }}"
    assert isinstance(type_, GraphQLObjectType)
    names = draw(
        st.lists(st.sampled_from(sorted(type_.fields)), min_size=1, max_size=3, unique=True)
    )
    parts = []
    for name in names:
        field = type_.fields[name]
        required = {n for n, a in field.args.items() if isinstance(a.type, GraphQLNonNull)}
        arguments = draw(
            st.fixed_dictionaries(
                {n: value_for(field.args[n].type) for n in sorted(required)},
                optional={n: value_for(a.type) for n, a in field.args.items() if n not in required},
            )
        )
        if draw(rarely()):
            arguments[draw(NAMES)] = draw(GARBAGE)
        rendered = ", ".join(f"{k}: {literal(v)}" for k, v in arguments.items())
        text = f"{name}_{len(parts)}: {name}" if draw(st.integers(0, 3)) == 0 else name
        text += f"({rendered})" if rendered else ""
        inner = field.type
        while isinstance(inner, (GraphQLNonNull, GraphQLList)):
            inner = inner.of_type
        if is_composite_type(inner):
            text += " " + (draw(selection(inner, depth - 1)) if depth > 0 else "{ __typename }")
        parts.append(text)
    if draw(rarely()):
        parts.append(draw(NAMES))  # a field that may not exist
    return "{ " + " ".join(parts) + " }"


DOCUMENTS = st.one_of(
    selection(SCHEMA.query_type, 4),  # type: ignore[arg-type]
    selection(SCHEMA.mutation_type, 2).map(lambda s: "mutation " + s),  # type: ignore[arg-type]
    st.text(max_size=40),  # not GraphQL at all
)


@dataclass
class Production:
    http: httpx.AsyncClient
    headers: dict[str | None, dict[str, str]]

    async def post(self, document: str, role: str | None = None) -> httpx.Response:
        return await self.http.post(
            "/graphql", json={"query": document}, headers=self.headers[role]
        )


ROLES = (None, "applicant", "officer:reception", "system_admin")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def production(
    mongodb_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Production]:
    settings = Settings(
        mongodb_uri=mongodb_uri,
        database=f"test_{uuid.uuid4().hex[:12]}",
        dev_mode=False,
        rate_limit_burst=1_000_000,
        data_dir=tmp_path_factory.mktemp("var"),
    )
    headers: dict[str | None, dict[str, str]] = {None: {}}
    for role in ROLES[1:]:
        agency = CITY if role.startswith("officer") else None
        token = issue_token(
            settings,
            role,
            sub=f"fuzz-{role}",
            agency=agency,
            id_number=(APPLICANT_ID if role == "applicant" else None),
        )
        headers[role] = {"authorization": f"Bearer {token}"}
    async for _, http in running_app(settings, drop=True):
        await load_tiny_catalogue()
        yield Production(http, headers)


def assert_answered_cleanly(response: httpx.Response, document: str) -> None:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    for error in response.json().get("errors", []):
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str), (document, error)
        if error["message"] == "Unexpected error.":
            assert error["extensions"]["requestId"], error
            continue
        assert not INTERNALS.search(QUOTED.sub("", error["message"])), (document, error)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=DOCUMENTS)
@pytest.mark.asyncio(loop_scope="session")
async def test_fuzz_production_answers_cleanly(production: Production, document: str) -> None:
    assert_answered_cleanly(await production.post(document, "officer:reception"), document)


def json_node(value: Any) -> ValueNode:
    """A GraphQL literal for a JSON value, for the JSON scalar's strategy."""
    if isinstance(value, dict):
        return nodes.Object(
            [ObjectFieldNode(name=NameNode(value=k), value=json_node(v)) for k, v in value.items()]
        )
    if isinstance(value, list):
        return nodes.List([json_node(v) for v in value])
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    return nodes.Null if value is None else nodes.String(value)


# Our scalars: JSON (form data, schemas; big integers included) and Upload, which a
# JSON body cannot carry (the value must be refused, with a code).
schemathesis.graphql.scalar(
    "JSON",
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
        max_leaves=8,
    ).map(json_node),
)
schemathesis.graphql.scalar("Upload", st.text(max_size=8).map(nodes.String))
# schemathesis reads the committed SDL's twin, built from the code, not a running server.
SCHEMATHESIS = schemathesis.graphql.from_file(build_schema().as_str())
GENERATED = st.one_of([SCHEMATHESIS.as_strategy(generation_mode=mode) for mode in GenerationMode])
# Hypothesis stops at max_examples; this keeps a slow machine from running past a minute.
FUZZ_BUDGET_SECONDS = 25.0
_fuzz_started: list[float] = []


@settings(
    max_examples=800,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=GENERATED, role=st.sampled_from(ROLES))
@pytest.mark.asyncio(loop_scope="session")
async def test_schemathesis_fuzz_every_error_has_a_code(
    production: Production, case: Any, role: str | None
) -> None:
    started = _fuzz_started or [time.monotonic()]
    _fuzz_started[:] = started
    if time.monotonic() - started[0] > FUZZ_BUDGET_SECONDS:
        return
    assert_answered_cleanly(await production.post(case.body, role), case.body)
