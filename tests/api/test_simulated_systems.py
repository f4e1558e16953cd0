"""`motcua serve` in development mode starts the population database simulator when no
endpoint is configured, and stops it with the server; never otherwise."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.cli.simulated import simulated_systems
from api.settings import Settings


def test_development_without_an_endpoint_gets_the_simulator_until_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(dev_mode=True, data_dir=tmp_path, population_url=None)
    body = {"idNumber": "001090012345", "fullName": "Nguyễn Văn An"}
    with simulated_systems(settings) as running:
        url = running.population_url
        assert url is not None
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.post(f"{url}/lookups", json=body)
        assert answer.json() == {"result": "FOUND"}
    assert "synthetic" in capsys.readouterr().err
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{url}/lookups", json=body)


def test_a_configured_endpoint_or_production_starts_nothing(tmp_path: Path) -> None:
    configured = Settings(dev_mode=True, data_dir=tmp_path, population_url="http://pop.test")
    with simulated_systems(configured) as running:
        assert running.population_url == "http://pop.test"
    production = Settings(dev_mode=False, data_dir=tmp_path, population_url=None)
    with simulated_systems(production) as running:
        assert running.population_url is None
