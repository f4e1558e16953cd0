"""Every status against every action: the table allows exactly what this grid says."""

from __future__ import annotations

import pytest

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import DossierStatus
from documents.workflow.transitions import Action, next_status

# Rows: current status. Columns, in Action order:
#   ACCEPT REFUSE ASSIGN HAND_OVER REQ_SUPPL SUPPLEMENT APPROVE REJECT RETURN WITHDRAW
#   APOLOGY REQ_PAYMENT REC_PAYMENT
# A cell names the status after the action; "-" means the action is illegal there.
GRID = """
RECEIVED             IN_PROGRESS REFUSED RECEIVED - - - - - - WITHDRAWN - RECEIVED RECEIVED
IN_PROGRESS          - - IN_PROGRESS IN_PROGRESS SUPPLEMENT_REQUESTED - RESULT_READY REJECTED - WITHDRAWN IN_PROGRESS IN_PROGRESS IN_PROGRESS
SUPPLEMENT_REQUESTED - - - - - IN_PROGRESS - - - WITHDRAWN - - SUPPLEMENT_REQUESTED
RESULT_READY         - - - - - - - - RETURNED - - RESULT_READY RESULT_READY
RETURNED             - - - - - - - - - - - - -
REFUSED              - - - - - - - - - - - - -
REJECTED             - - - - - - - - - - - - -
WITHDRAWN            - - - - - - - - - - - - -
"""


def _cells() -> list[tuple[DossierStatus, Action, DossierStatus | None]]:
    cells = []
    rows = [line.split() for line in GRID.strip().splitlines()]
    assert sorted(row[0] for row in rows) == sorted(s.value for s in DossierStatus)
    for status, *after in rows:
        assert len(after) == len(Action), status
        for action, target in zip(Action, after, strict=True):
            expected = None if target == "-" else DossierStatus(target)
            cells.append((DossierStatus(status), action, expected))
    return cells


@pytest.mark.parametrize(("status", "action", "expected"), _cells())
def test_transition_table_allows_exactly_the_grid(
    status: DossierStatus, action: Action, expected: DossierStatus | None
) -> None:
    if expected is not None:
        assert next_status(status, action) is expected
        return
    with pytest.raises(DomainError) as caught:
        next_status(status, action)
    assert caught.value.code is ErrorCode.ILLEGAL_TRANSITION
    assert status.value in caught.value.message  # names the current status
