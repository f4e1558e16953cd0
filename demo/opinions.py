"""Demo ratings and complaints: satisfaction rises over the year, Tết is harder."""

from __future__ import annotations

import random
from datetime import datetime

from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import RATEABLE
from documents.statistics.rating import answer_feedback, file_feedback, rate
from documents.statistics.ratings import FeedbackKind, RatingLevel, RatingScores

COMMENTS = ["Cán bộ hướng dẫn tận tình", "Thủ tục nhanh gọn", "Phải chờ lâu", None]


def online_share(progress: float) -> float:
    """From about 40% a year ago to about 85% now (`progress` 0 -> 1)."""
    return 0.4 + 0.45 * progress


async def give_opinions(
    dossier: Dossier, progress: float, rng: random.Random, hours: OfficeHours
) -> None:
    """Rate most returned or rejected dossiers; now and then complain, and answer."""
    if dossier.status not in RATEABLE or rng.random() > 0.7:
        return
    happy = 0.55 + 0.35 * progress - (0.25 if dossier.timeliness == "LATE" else 0)
    roll = rng.random()
    level = RatingLevel.SATISFIED if roll < happy else RatingLevel.NORMAL
    if roll > 0.93 - 0.05 * progress:
        level = RatingLevel.DISSATISFIED
    good = 5 if level is RatingLevel.SATISFIED else 3 if level is RatingLevel.NORMAL else 2
    scores = RatingScores(
        overall=level,
        time=good,
        attitude=min(5, good + rng.randrange(0, 2)),
        guidance=good,
        cost=min(5, good + 1),
        comment=rng.choice(COMMENTS),
    )
    await rate(dossier, scores, "seed", hours=hours)
    if level is RatingLevel.DISSATISFIED and rng.random() < 0.5:
        complaint = await file_feedback(
            dossier, FeedbackKind.COMPLAINT, "Thời gian giải quyết quá lâu", "seed", hours=hours
        )
        await answer_feedback(complaint, "Đã rút kinh nghiệm, xin lỗi.", "seed", hours=hours)


def is_tet(moment: datetime) -> bool:
    """Late January to February: the Lunar New Year slows everything down."""
    return (moment.month == 1 and moment.day >= 20) or moment.month == 2
