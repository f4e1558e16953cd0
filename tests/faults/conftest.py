"""The `faults` marker: `pytest -m faults` runs these alone, `-m "not faults"` skips them."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: kills a database or an API process under load")
