"""The named status sets: what each holds, and that they agree with the transition table."""

from __future__ import annotations

from documents.dossiers import statuses
from documents.dossiers.statuses import DossierStatus
from documents.workflow.transitions import TRANSITIONS

S = DossierStatus


def test_each_status_set_holds_exactly_the_statuses_its_rules_used_before() -> None:
    ended = {S.RESULT_READY, S.RETURNED, S.REFUSED, S.REJECTED, S.WITHDRAWN}
    assert ended | {S.STOPPED} == statuses.FINISHED  # STOPPED: Mẫu 05, Circular 03/2025
    assert ended == statuses.TIMED
    assert {S.RETURNED, S.REFUSED, S.REJECTED, S.WITHDRAWN, S.STOPPED} == statuses.CLOSED
    waiting = S.WAITING_FOR_INPUT  # a group member waiting for a result (docs/groups.md)
    assert {S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, waiting} == statuses.OPEN
    assert {S.RECEIVED, S.IN_PROGRESS} == statuses.CLOCK_RUNNING
    assert {S.SUPPLEMENT_REQUESTED} == statuses.CLOCK_PAUSED
    assert {waiting} == statuses.NOT_STARTED
    assert {S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.RESULT_READY} == statuses.ACTIVE
    assert {S.RESULT_READY, S.RETURNED, S.REJECTED} == statuses.RESOLVED
    assert {S.RETURNED, S.REJECTED} == statuses.RATEABLE
    assert {S.RECEIVED, S.SUPPLEMENT_REQUESTED, waiting} == statuses.PAPERS_ATTACHABLE
    assert {S.RECEIVED, waiting} == statuses.PAPERS_REMOVABLE
    assert {S.IN_PROGRESS, S.RESULT_READY} == statuses.RESULTS_ATTACHABLE


def test_closed_statuses_are_exactly_those_without_exits() -> None:
    assert {status for status, exits in TRANSITIONS.items() if not exits} == statuses.CLOSED


def test_no_action_leads_from_a_finished_status_back_to_an_open_one() -> None:
    # So processing finishes once, when a dossier first enters a finished status.
    for status in statuses.FINISHED:
        assert set(TRANSITIONS[status].values()) <= statuses.FINISHED, status


def test_every_status_is_either_open_or_finished_and_the_clock_runs_only_when_open() -> None:
    assert set(DossierStatus) == statuses.OPEN | statuses.FINISHED
    assert not statuses.OPEN & statuses.FINISHED
    assert statuses.CLOCK_RUNNING | statuses.CLOCK_PAUSED | statuses.NOT_STARTED == statuses.OPEN
