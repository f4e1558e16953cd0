from __future__ import annotations

from datetime import UTC, datetime

from documents.dossiers.codes import format_code


def test_format_code_uses_the_local_day_in_ho_chi_minh_city() -> None:
    late_utc = datetime(2026, 11, 28, 18, 30, tzinfo=UTC)  # 01:30 on the 29th in Hà Nội
    assert format_code("000.00.15.H26", late_utc, 7) == "000.00.15.H26-261129-0007"


def test_format_code_pads_the_sequence_to_four_digits() -> None:
    moment = datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
    assert format_code("000.22.99.H26", moment, 12).endswith("-260102-0012")
