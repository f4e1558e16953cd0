"""Each question reads the roll-up level that answers it, with the scope applied."""

from __future__ import annotations

from datetime import date

import pytest

from documents.statistics.facts import apply_delta
from documents.statistics.indicators import Scope, by_key, grouped
from tests.catalogue import OTHER_WARD, WARD

SUB = "000.22.99.01.H26"  # below WARD
ONE, TWO = "1.000001", "2.000002"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _received(rows: dict[str, dict[str, int]]) -> dict[str, int]:
    return {key: row["received"] for key, row in rows.items()}


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_statistics_read_the_level_of_the_question_and_apply_the_scope() -> None:
    await apply_delta(
        {
            (WARD, ONE, "2026-03-03"): {"received": 1},
            (SUB, ONE, "2026-03-04"): {"received": 2},
            (OTHER_WARD, TWO, "2026-03-05"): {"received": 4},
            (WARD, TWO, "2026-03-31"): {"received": 8},
            (WARD, ONE, "2026-04-01"): {"received": 16},  # out of range
        },
        None,
    )
    ward_and_sub = frozenset({WARD, SUB})
    cases = [
        (Scope(), 15),
        (Scope(ward_and_sub), 11),
        (Scope(frozenset({WARD})), 9),
        (Scope(procedure_code=ONE), 3),
        (Scope(ward_and_sub, ONE), 3),
        (Scope(frozenset({WARD}), TWO), 8),
        (Scope(frozenset({OTHER_WARD}), ONE), 0),
    ]
    for scope, received in cases:
        expected = {"2026-03": received} if received else {}
        assert _received(await grouped(scope, *MARCH, "month")) == expected, scope
        # The same from day rows (a range that is not whole months).
        by_day = await grouped(scope, date(2026, 3, 2), date(2026, 3, 31), "month")
        assert _received(by_day) == expected, scope

    agencies = await by_key(Scope(), *MARCH, "agency_code")
    assert {code: row.received for code, row in agencies.items()} == {
        WARD: 9,
        SUB: 2,
        OTHER_WARD: 4,
    }
    procedures = await by_key(Scope(ward_and_sub), *MARCH, "procedure_code")
    assert {code: row.received for code, row in procedures.items()} == {ONE: 3, TWO: 8}
    city_wide = await by_key(Scope(), *MARCH, "procedure_code")
    assert {code: row.received for code, row in city_wide.items()} == {ONE: 3, TWO: 12}
