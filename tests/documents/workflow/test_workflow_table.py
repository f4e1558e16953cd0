"""The transition table's invariants, stated with the named sets of statuses.

Together they fix every cell of the table: where each action applies, and the one
status it leads to; anything else is ILLEGAL_TRANSITION, naming the current status.
"""

from __future__ import annotations

import pytest

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.statuses import (
    ACTIVE,
    ALL,
    CLOCK_PAUSED,
    CLOCK_RUNNING,
    CLOSED,
    FINISHED,
    OPEN,
    DossierStatus,
)
from documents.workflow.transitions import TRANSITIONS, Action, next_status

S = DossierStatus
A = Action
PAYMENTS = frozenset({A.REQUEST_PAYMENT, A.RECORD_PAYMENT, A.EXEMPT_FEE})
# Housekeeping and payments keep the status; every other action moves the dossier on.
KEEPING = frozenset({A.ASSIGN, A.HAND_OVER, A.ISSUE_APOLOGY}) | PAYMENTS
# Where each action applies.
WHERE: dict[Action, frozenset[DossierStatus]] = {
    A.ACCEPT: frozenset({S.RECEIVED}),  # reception decides first
    A.REFUSE: frozenset({S.RECEIVED}),
    A.ASSIGN: CLOCK_RUNNING,
    A.HAND_OVER: frozenset({S.IN_PROGRESS}),  # processing needs an accepted dossier
    A.REQUEST_SUPPLEMENT: frozenset({S.IN_PROGRESS}),
    A.REQUEST_SUPPLEMENT_AT_RECEPTION: frozenset({S.RECEIVED}),  # Mẫu 02, before acceptance
    A.APPROVE: frozenset({S.IN_PROGRESS}),
    A.REJECT: frozenset({S.IN_PROGRESS}),
    A.ISSUE_APOLOGY: frozenset({S.IN_PROGRESS}),
    A.SUPPLEMENT: CLOCK_PAUSED,
    A.SUPPLEMENT_AT_RECEPTION: CLOCK_PAUSED,
    # Mẫu 05: once processing started, or while waiting for the applicant; before
    # acceptance reception refuses instead.
    A.STOP_PROCESSING: frozenset({S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED}),
    A.RETURN_RESULT: frozenset({S.RESULT_READY}),
    A.WITHDRAW: OPEN,  # the applicant may withdraw until processing ends
    A.REQUEST_PAYMENT: ACTIVE - CLOCK_PAUSED,  # not while waiting for the applicant
    A.RECORD_PAYMENT: ACTIVE,  # a fee is paid whenever it is not too late
    A.EXEMPT_FEE: ACTIVE,  # and waived while it could still be paid
    A.RECEIVE_INPUT: frozenset({S.WAITING_FOR_INPUT}),  # a group member filled (docs/groups.md)
}
# Where each action that moves the dossier leads.
LEADS_TO: dict[Action, DossierStatus] = {
    A.ACCEPT: S.IN_PROGRESS,
    A.REFUSE: S.REFUSED,
    A.REQUEST_SUPPLEMENT: S.SUPPLEMENT_REQUESTED,
    A.SUPPLEMENT: S.IN_PROGRESS,
    A.REQUEST_SUPPLEMENT_AT_RECEPTION: S.SUPPLEMENT_REQUESTED,
    A.SUPPLEMENT_AT_RECEPTION: S.RECEIVED,  # reception checks the completed dossier again
    A.STOP_PROCESSING: S.STOPPED,
    A.APPROVE: S.RESULT_READY,
    A.REJECT: S.REJECTED,
    A.RETURN_RESULT: S.RETURNED,
    A.WITHDRAW: S.WITHDRAWN,
    A.RECEIVE_INPUT: S.RECEIVED,
}


def _moves() -> list[tuple[DossierStatus, Action, DossierStatus]]:
    return [(s, a, after) for s, exits in TRANSITIONS.items() for a, after in exits.items()]


def test_workflow_table_names_every_status() -> None:
    assert set(TRANSITIONS) == ALL


def test_workflow_closed_statuses_are_exactly_those_without_exits() -> None:
    assert {status for status, exits in TRANSITIONS.items() if not exits} == CLOSED


def test_workflow_every_status_is_reachable_from_where_submission_puts_a_dossier() -> None:
    # RECEIVED, or WAITING_FOR_INPUT for a group member waiting for a result.
    reached, frontier = {S.RECEIVED, S.WAITING_FOR_INPUT}, [S.RECEIVED, S.WAITING_FOR_INPUT]
    while frontier:
        for after in TRANSITIONS[frontier.pop()].values():
            if after not in reached:
                reached.add(after)
                frontier.append(after)
    assert reached == ALL


def test_workflow_each_action_applies_exactly_where_its_rule_says() -> None:
    where = {action: {s for s in ALL if action in TRANSITIONS[s]} for action in Action}
    assert where == WHERE


def test_workflow_payment_and_housekeeping_actions_keep_the_status() -> None:
    for status, action, after in _moves():
        assert (after is status) is (action in KEEPING), (status, action, after)


def test_workflow_each_moving_action_leads_to_one_status() -> None:
    moving = {(action, after) for _, action, after in _moves() if action not in KEEPING}
    assert moving == set(LEADS_TO.items())


def test_workflow_finished_dossiers_never_reopen() -> None:
    for status in FINISHED:
        assert set(TRANSITIONS[status].values()) <= FINISHED, status


def test_workflow_the_clock_pauses_only_for_supplements() -> None:
    """It stops when a supplement is requested and runs again when it is supplied."""
    into = {(s, a) for s, a, after in _moves() if after in CLOCK_PAUSED and s not in CLOCK_PAUSED}
    out_to_open = {
        (s, a) for s, a, after in _moves() if s in CLOCK_PAUSED and after in CLOCK_RUNNING
    }
    assert into == {
        (S.IN_PROGRESS, A.REQUEST_SUPPLEMENT),
        (S.RECEIVED, A.REQUEST_SUPPLEMENT_AT_RECEPTION),
    }
    assert out_to_open == {
        (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT),
        (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT_AT_RECEPTION),
    }


@pytest.mark.parametrize("status", sorted(ALL))
def test_workflow_next_status_follows_the_table_and_refuses_the_rest(status: S) -> None:
    for action in Action:
        if action in TRANSITIONS[status]:
            assert next_status(status, action) is TRANSITIONS[status][action]
            continue
        with pytest.raises(DomainError) as caught:
            next_status(status, action)
        assert caught.value.code is ErrorCode.ILLEGAL_TRANSITION
        assert status.value in caught.value.message  # names the current status
