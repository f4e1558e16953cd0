"""Every operation against every principal, decided by the access policy in memory.

The matrix (tests/authorization.py) says allowed (A) or denied (-). Reads are allowed
when they return the dossier (or the admin data); mutations are denied with a FORBIDDEN
top-level error, or NOT_FOUND when the dossier is invisible to the principal, and
allowed otherwise (a domain error such as NOTHING_DUE still means the principal was let
through). The cells run against `Access` on in-memory principals and dossiers;
test_authorization_wiring.py proves through GraphQL that the resolvers ask the policy
as `RULES` says, and checks the rows the policy does not decide. The subscription row
is in test_authorization_subscriptions.py. The places matrix (where the officer's agency
stands: receiving desk, handling agency, both, neither, above both) is wired through
GraphQL in test_authorization_places.py.
"""

from __future__ import annotations

import pytest

from documents.access.places import WHERE
from documents.access.policy import APPLICANT_ACTIONS, ROLE_ACTIONS, SYSTEM_ACTIONS
from documents.workflow.transitions import TRANSITIONS, Action
from tests.authorization import (
    ALLOWING,
    GRAPHQL_ROWS,
    MATRIX,
    RULES,
    cells,
    decide,
    state_of,
)
from tests.authorization_places import Stage, decide_place, dossier_at, officer, place_cells
from tests.catalogue import OTHER_WARD

A = Action


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


@pytest.mark.parametrize(("operation", "stage", "role", "where", "expected"), place_cells())
def test_authorization_places(
    operation: str, stage: Stage, role: str, where: str, expected: bool
) -> None:
    decision = decide_place(operation, stage, role, where)
    assert (decision in ALLOWING) is expected, decision


def test_authorization_places_receiving_alone_gives_reading_not_acting() -> None:
    """The desk that only received a dossier reads it, and acts only as a desk."""
    desk_actions = {A.ACCEPT, A.REFUSE, A.ASSIGN, A.HAND_OVER, A.RETURN_RESULT}
    desk_actions |= {A.REQUEST_SUPPLEMENT_AT_RECEPTION, A.REQUEST_PAYMENT, A.RECORD_PAYMENT}
    # The desk stops a dossier waiting on a round it asked at reception, and only that.
    desk_actions |= {A.STOP_PROCESSING}
    for stage in Stage:
        dossier = dossier_at("split", stage)
        for role in ("reception", "specialist", "leader"):
            desk = officer(role, OTHER_WARD)
            assert desk.can_view(dossier)
            for action in set(Action) - desk_actions:
                assert not desk.can_act(action, dossier), (stage, role, action)
    for stage in (Stage.AT_DESK, Stage.AT_HANDLER, Stage.SUPPLEMENT):
        stopping = officer("leader", OTHER_WARD).can_act(
            A.STOP_PROCESSING, dossier_at("split", stage)
        )
        assert not stopping, stage


def test_authorization_places_cover_every_officer_transition() -> None:
    """Every transition an officer or integrator may take names where it is taken, and
    the table names no transition the state machine does not have."""
    for status, actions in TRANSITIONS.items():
        for action in set(actions) - APPLICANT_ACTIONS - SYSTEM_ACTIONS:
            assert action in WHERE.get(status, {}), (status, action)
    for status, places in WHERE.items():
        assert set(places) <= set(TRANSITIONS[status]), status
        assert not set(places) & (APPLICANT_ACTIONS | SYSTEM_ACTIONS)
    # Nobody takes the system's actions: no role, no applicant.
    assert not SYSTEM_ACTIONS & (APPLICANT_ACTIONS | frozenset().union(*ROLE_ACTIONS.values()))
