"""The overall index per agency, out of Decision 766/QĐ-TTg's 100 points (docs/scoreboard.md).

Each group scores its points times its rate. A group the system cannot measure (no
data of that kind anywhere, or none for the agency in the range) scores nothing and
is reported as not measured: the total is never rescaled to make up for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from documents.statistics.indicators import Indicators


class ScoreGroup(StrEnum):
    PUBLICITY = "PUBLICITY"  # công khai, minh bạch
    PROGRESS = "PROGRESS"  # tiến độ giải quyết
    ONLINE_SERVICE = "ONLINE_SERVICE"  # dịch vụ công trực tuyến
    ONLINE_PAYMENT = "ONLINE_PAYMENT"  # thanh toán trực tuyến
    SATISFACTION = "SATISFACTION"  # mức độ hài lòng
    DIGITISATION = "DIGITISATION"  # số hóa hồ sơ


class Measurement(StrEnum):
    MEASURED = "MEASURED"
    NO_DATA = "NO_DATA"  # measurable, but nothing of the kind in the range
    NOT_MEASURED = "NOT_MEASURED"  # motcua holds no data for it


Rate = Callable[[Indicators], float | None]


def _mean(*rates: float | None) -> float | None:
    """The mean of the sub-indicators that have data (equal shares: an assumption)."""
    known = [rate for rate in rates if rate is not None]
    return sum(known) / len(known) if known else None


# Points as we read the annex (not checked against the text, docs/scoreboard.md), and
# the rate each group is scored from; None: not measured by motcua.
GROUPS: dict[ScoreGroup, tuple[float, Rate | None]] = {
    ScoreGroup.PUBLICITY: (18, None),
    ScoreGroup.PROGRESS: (20, lambda i: i.on_time_rate),
    ScoreGroup.ONLINE_SERVICE: (12, lambda i: i.online_share),
    ScoreGroup.ONLINE_PAYMENT: (10, lambda i: i.online_payment_share),
    ScoreGroup.SATISFACTION: (
        18,
        lambda i: _mean(
            i.satisfaction, i.complaints_answered_on_time_rate, i.complaint_answer_satisfaction_rate
        ),
    ),
    ScoreGroup.DIGITISATION: (
        22,
        lambda i: _mean(i.digitisation_rate, i.electronic_result_share, i.reuse_share),
    ),
}


@dataclass(frozen=True)
class GroupScore:
    group: ScoreGroup
    max_points: float
    measurement: Measurement
    rate: float | None  # 0..100; None unless measured
    points: float | None  # None unless measured


def group_scores(indicators: Indicators) -> list[GroupScore]:
    scores = []
    for group, (points, rate_of) in GROUPS.items():
        rate = rate_of(indicators) if rate_of is not None else None
        if rate_of is None:
            measurement = Measurement.NOT_MEASURED
        else:
            measurement = Measurement.NO_DATA if rate is None else Measurement.MEASURED
        scored = None if rate is None else round(points * rate / 100, 2)
        shown = None if rate is None else round(rate, 2)
        scores.append(GroupScore(group, points, measurement, shown, scored))
    return scores


def score(groups: list[GroupScore]) -> float:
    """Σ points of the measured groups, out of 100; unmeasured ones add nothing."""
    return round(sum(g.points for g in groups if g.points is not None), 2)


@dataclass(frozen=True)
class Ranked:
    rank: int
    score: float
    agency_code: str
    indicators: Indicators
    groups: list[GroupScore]


def rank(by_agency: dict[str, Indicators]) -> list[Ranked]:
    """Highest score first; ties share a rank (1, 2, 2, 4) and are listed by code."""
    scored = []
    for code, indicators in by_agency.items():
        groups = group_scores(indicators)
        scored.append((score(groups), code, indicators, groups))
    scored.sort(key=lambda t: (-t[0], t[1]))
    ranked: list[Ranked] = []
    for position, (value, code, indicators, groups) in enumerate(scored, start=1):
        shared = ranked and ranked[-1].score == value
        ranked.append(
            Ranked(ranked[-1].rank if shared else position, value, code, indicators, groups)
        )
    return ranked
