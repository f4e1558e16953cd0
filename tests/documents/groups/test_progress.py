"""The group status and deadline (documents/groups/progress.py), against hand computations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from documents.calendar.working_calendar import WorkingCalendar
from documents.dossiers.parts import Timeliness
from documents.dossiers.statuses import DossierStatus as S
from documents.groups.progress import (
    MemberClock,
    Pause,
    group_deadline,
    group_progress,
    group_status,
    paused_days,
)
from documents.groups.records import GroupStatus as G

CALENDAR = WorkingCalendar()


def local(day: int, hour: int = 9) -> datetime:
    """`hour`:00 in Hà Nội on `day` March 2026 (UTC+7; no holiday that month)."""
    return datetime(2026, 3, day, hour - 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([S.RESULT_READY, S.RETURNED, S.RETURNED], G.DONE),
        ([S.RETURNED, S.IN_PROGRESS], G.IN_PROGRESS),
        ([S.RETURNED, S.WAITING_FOR_INPUT], G.IN_PROGRESS),
        ([S.RECEIVED, S.SUPPLEMENT_REQUESTED], G.IN_PROGRESS),
        ([S.RETURNED, S.REJECTED], G.PARTLY_DONE),
        ([S.RESULT_READY, S.WITHDRAWN], G.PARTLY_DONE),
        ([S.RESULT_READY, S.STOPPED], G.PARTLY_DONE),
        ([S.REFUSED, S.WITHDRAWN], G.REFUSED),
        ([S.REJECTED, S.REJECTED], G.REFUSED),
        ([S.STOPPED, S.WITHDRAWN], G.REFUSED),
        ([S.WITHDRAWN, S.WITHDRAWN, S.WITHDRAWN], G.WITHDRAWN),
        ([], G.IN_PROGRESS),
    ],
)
def test_group_status_from_the_members(statuses: list[S], expected: G) -> None:
    assert group_status(statuses) is expected


def test_overlapping_pauses_count_each_working_day_once() -> None:
    # Wed 4 -> Fri 6: Thu 5, Fri 6. Thu 5 -> Mon 9: Fri 6, Mon 9 (the weekend is no
    # working day). Together: Thu 5, Fri 6, Mon 9 = 3, not 2 + 2.
    pauses = [Pause(local(4), local(6)), Pause(local(5), local(9))]
    assert paused_days(CALENDAR, pauses) == 3
    assert paused_days(CALENDAR, [Pause(local(4), None)]) == 0  # not answered yet


def test_one_member_late_one_early_by_hand() -> None:
    """Received Mon 2 Mar 2026 at 09:00 (before the 15:00 cut-off: the clock starts that
    day); 3 working days: due Thu 5 Mar at 17:00. The birth member is done on Tue 3
    (early). The residence member waits for the applicant from Wed 4 to Fri 6, the
    insurance member from Thu 5 to Mon 9: the group's clock stood still on Thu 5, Fri 6
    and Mon 9, so the group is due 3 working days later, Tue 10 Mar at 17:00. Insurance
    ends on Tue 10 (on the day); residence only on Wed 11 (late): the group, finished
    when its last member is, is late."""
    birth = MemberClock(S.RETURNED, local(3, 10))
    residence = MemberClock(S.RETURNED, local(11, 10), (Pause(local(4), local(6)),))
    insurance = MemberClock(S.RESULT_READY, local(10, 16), (Pause(local(5), local(9)),))
    members = [birth, residence, insurance]

    assert group_deadline(CALENDAR, local(2), 3) == local(5, 17)
    progress = group_progress(CALENDAR, local(2), 3, members)

    assert progress.status is G.DONE
    assert progress.paused_working_days == 3
    assert progress.due_at == local(10, 17)
    assert progress.finished_at == local(11, 10)
    assert progress.timeliness is Timeliness.LATE
    assert progress.on_time is False

    # The same group without the late member's last day: on time on its due day.
    residence_on_time = MemberClock(S.REJECTED, local(10, 11), residence.pauses)
    progress = group_progress(CALENDAR, local(2), 3, [birth, residence_on_time, insurance])
    assert progress.status is G.PARTLY_DONE
    assert progress.timeliness is Timeliness.ON_TIME
    assert progress.on_time is True


def test_running_group_has_a_deadline_but_no_finish() -> None:
    # Received Fri 6 at 16:00, after the cut-off: counted from Mon 9; 5 working days
    # (verification): Mon 16 Mar at 17:00.
    members = [MemberClock(S.RETURNED, local(9)), MemberClock(S.WAITING_FOR_INPUT)]
    progress = group_progress(CALENDAR, local(6, 16), 5, members)
    assert progress.status is G.IN_PROGRESS
    assert progress.due_at == local(16, 17)
    assert (progress.finished_at, progress.timeliness, progress.on_time) == (None, None, None)


def test_a_group_of_stopped_members_has_no_timeliness() -> None:
    members = [MemberClock(S.STOPPED, local(3)), MemberClock(S.STOPPED, local(4))]
    progress = group_progress(CALENDAR, local(2), 3, members)
    assert progress.status is G.REFUSED
    assert progress.finished_at == local(4)
    assert progress.timeliness is None
