"""Every operation against every principal, decided by the access policy in memory.

The matrix (tests/authorization.py) says allowed (A) or denied (-). Reads are allowed
when they return the dossier (or the admin data); mutations are denied with a FORBIDDEN
top-level error, or NOT_FOUND when the dossier is invisible to the principal, and
allowed otherwise (a domain error such as NOTHING_DUE still means the principal was let
through). The cells run against `Access` on in-memory principals and dossiers;
test_authorization_wiring.py proves through GraphQL that the resolvers ask the policy
as `RULES` says, and checks the rows the policy does not decide. The subscription row
is in test_authorization_subscriptions.py.
"""

from __future__ import annotations

import pytest

from tests.authorization import (
    ALLOWING,
    GRAPHQL_ROWS,
    MATRIX,
    RULES,
    cells,
    decide,
    state_of,
)


def test_authorization_matrix_rows_are_each_decided_in_memory_or_through_graphql() -> None:
    rows = [line.split()[0] for line in MATRIX.strip().splitlines()]
    assert len(rows) == len(set(rows))
    assert set(rows) == set(RULES) | GRAPHQL_ROWS
    assert not set(RULES) & GRAPHQL_ROWS


@pytest.mark.parametrize(
    ("operation", "who", "expected"), [cell for cell in cells() if cell[0] in RULES]
)
def test_authorization_matrix(operation: str, who: str, expected: bool) -> None:
    decision = decide(operation, who)
    assert (decision in ALLOWING) is expected, (decision, state_of(operation))
