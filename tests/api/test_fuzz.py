"""Random documents built from the schema, posted to the production app."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    is_abstract_type,
    is_composite_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def production(mongodb_uri: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        mongodb_uri=mongodb_uri,
        database=f"test_{uuid.uuid4().hex[:12]}",
        dev_mode=False,
        rate_limit_burst=1_000_000,
    )
    async for _, http in running_app(settings, drop=True):
        await load_tiny_catalogue()
        yield http


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=DOCUMENTS)
@pytest.mark.asyncio(loop_scope="session")
async def test_fuzz_production_answers_cleanly(
    production: httpx.AsyncClient, document: str
) -> None:
    response = await production.post("/graphql", json={"query": document})
    assert response.status_code < 500, response.text
    body = response.json()
    assert "Traceback" not in response.text
    for error in body.get("errors", []):
        if error["message"] == "Unexpected error.":
            assert error["extensions"]["requestId"], error
            continue
        assert not INTERNALS.search(QUOTED.sub("", error["message"])), (document, error)
