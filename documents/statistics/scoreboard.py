"""The overall 0-100 index per agency, after Decision 766/QĐ-TTg (docs/scoreboard.md)."""

from __future__ import annotations

from dataclasses import dataclass

from documents.statistics.indicators import Indicators

# Decision 766's groups and points that motcua can measure; "publicity and transparency"
# (18) and "online payment" (10) are not measured here, so the score is the measured
# groups' points scaled to 100.
WEIGHTS: dict[str, float] = {
    "progress": 20,  # on-time rate
    "online": 12,  # share of dossiers received online
    "satisfaction": 18,  # Decision 766 satisfaction
    "digitisation": 22,  # resolved with digitised application and result
}


def group_rates(indicators: Indicators) -> dict[str, float]:
    return {
        "progress": indicators.on_time_rate or 0.0,
        "online": indicators.online_share or 0.0,
        "satisfaction": indicators.satisfaction or 0.0,
        "digitisation": indicators.digitisation_rate or 0.0,
    }


def score(indicators: Indicators) -> float:
    rates = group_rates(indicators)
    points = sum(WEIGHTS[group] * rates[group] / 100 for group in WEIGHTS)
    return round(100 * points / sum(WEIGHTS.values()), 2)


@dataclass(frozen=True)
class Ranked:
    rank: int
    score: float
    agency_code: str
    indicators: Indicators


def rank(by_agency: dict[str, Indicators]) -> list[Ranked]:
    """Highest score first; ties share a rank (1, 2, 2, 4) and are listed by code."""
    scored = sorted(
        ((score(ind), code, ind) for code, ind in by_agency.items()), key=lambda t: (-t[0], t[1])
    )
    ranked: list[Ranked] = []
    for position, (value, code, ind) in enumerate(scored, start=1):
        shared = ranked and ranked[-1].score == value
        ranked.append(Ranked(ranked[-1].rank if shared else position, value, code, ind))
    return ranked
