"""The rules Circular 03/2025/TT-VPCP adds, in memory: what STOPPED counts as, portal
code 8, which supplement action a dossier is at, and who stops a dossier where."""

from __future__ import annotations

from datetime import UTC, datetime

from documents.dossiers.deadlines import classify
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import PaymentStatus, SupplementItem, SupplementRound, Timeliness
from documents.dossiers.portal_codes import portal_status_code
from documents.dossiers.statuses import (
    CLOCK_RUNNING,
    CLOSED,
    FINISHED,
    OPEN,
    RATEABLE,
    RESOLVED,
    TIMED,
    DossierStatus,
)
from documents.workflow.transitions import Action, answering_supplement, requesting_supplement
from tests.authorization_places import Stage, dossier_at, officer
from tests.catalogue import OTHER_WARD

S = DossierStatus
A = Action
MOMENT = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def test_stopped_is_finished_and_closed_but_never_resolved_rated_or_timed() -> None:
    assert S.STOPPED in FINISHED & CLOSED
    assert S.STOPPED not in OPEN | CLOCK_RUNNING
    assert S.STOPPED not in RESOLVED | RATEABLE | TIMED


def test_stopped_is_portal_code_8_even_with_a_fee_unpaid() -> None:
    assert portal_status_code(S.STOPPED, PaymentStatus.PAID, False, at_first_step=False) == 8
    assert portal_status_code(S.STOPPED, PaymentStatus.UNPAID, True, at_first_step=False) == 8


def _waiting(at_reception: bool) -> Dossier:
    item = SupplementItem(item="Ảnh", reason="Thiếu")
    round_ = SupplementRound(requested_at=MOMENT, items=[item], at_reception=at_reception)
    dossier = dossier_at("same", Stage.SUPPLEMENT)
    return dossier.model_copy(update={"supplements": [round_]})


def test_the_supplement_action_follows_the_status_and_the_round_asked() -> None:
    assert requesting_supplement(S.RECEIVED) is A.REQUEST_SUPPLEMENT_AT_RECEPTION
    assert requesting_supplement(S.IN_PROGRESS) is A.REQUEST_SUPPLEMENT
    assert answering_supplement(_waiting(True)) is A.SUPPLEMENT_AT_RECEPTION
    assert answering_supplement(_waiting(False)) is A.SUPPLEMENT


def test_the_desk_stops_a_dossier_waiting_on_its_reception_round() -> None:
    """The desk that only received the dossier holds it until acceptance."""
    waiting = dossier_at("split", Stage.RECEIVED).model_copy(
        update={"status": S.SUPPLEMENT_REQUESTED}
    )
    assert officer("leader", OTHER_WARD).can_act(A.STOP_PROCESSING, waiting)
    assert not officer("specialist", OTHER_WARD).can_act(A.STOP_PROCESSING, waiting)


def test_supplement_rounds_make_a_dossier_late_only_past_the_procedures_setting() -> None:
    due = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    assert classify(MOMENT, due, 5) is Timeliness.EARLY  # no setting: never
    assert classify(MOMENT, due, 1, late_after_rounds=1) is Timeliness.EARLY
    assert classify(MOMENT, due, 2, late_after_rounds=1) is Timeliness.LATE
