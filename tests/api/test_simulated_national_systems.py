"""`motcua serve` in development mode starts a simulator for each national system whose
endpoint is unset (portal, payment platform, SMS gateway), gives both sides a secret made
up for the session, and stops them with the server; a configured endpoint is kept."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.adapters.ports import adapters
from api.cli.simulated import simulated_systems
from api.settings import Settings

CODE = "000.00.00.H26-250101-0001"
UPDATE = {"dossier_code": CODE, "sequence": 1, "status_code": 2, "status": "RECEIVED"}


async def test_every_unset_system_gets_a_simulator_and_both_sides_share_its_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(dev_mode=True, data_dir=tmp_path, port=8123)
    with simulated_systems(settings) as running:
        urls = [running.portal_url, running.payment_url, running.sms_gateway_url]
        assert all(u is not None and u.startswith("http://127.0.0.1:") for u in urls)
        assert running.portal_secret
        assert running.sms_gateway_token
        assert running.payment_secret
        made = adapters(running)
        try:
            ports = made.ports
            assert ports.portal is not None
            assert ports.texts is not None
            assert ports.payment is not None
            # The adapters sign with the made-up secrets, and the simulators accept them.
            assert (await ports.portal.publish("m-1", UPDATE)).delivered
            assert (await ports.texts.send_text("m-2", "SMS", "0912345678", "Xin chào")).delivered
        finally:
            await made.aclose()
        async with httpx.AsyncClient() as http:
            held = (await http.get(f"{running.portal_url}/dossiers/{CODE}")).json()
            assert held["current"]["statusCode"] == 2
            token = {"authorization": f"Bearer {running.sms_gateway_token}"}
            texts = (await http.get(f"{running.sms_gateway_url}/messages", headers=token)).json()
            assert [t["text"] for t in texts["messages"]] == ["Xin chào"]
            unsigned = await http.post(f"{running.portal_url}/status-updates", json={})
            assert unsigned.status_code == 401
    err = capsys.readouterr().err
    assert "National portal simulator" in err
    assert "Payment platform simulator" in err
    assert f"Bearer {running.sms_gateway_token}" in err  # made up: shown to the developer
    assert "SMS and Zalo gateway simulator" in err
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"{running.portal_url}/dossiers/{CODE}")


def test_configured_systems_and_production_start_none(tmp_path: Path) -> None:
    configured = Settings(
        dev_mode=True,
        data_dir=tmp_path,
        population_url="http://pop.test",
        portal_url="http://portal.test",
        payment_url="http://pay.test",
        sms_gateway_url="http://sms.test",
        sms_gateway_token="mine",
    )
    with simulated_systems(configured) as running:
        assert running is configured
    production = Settings(dev_mode=False, data_dir=tmp_path)
    with simulated_systems(production) as running:
        assert running.portal_url is None
        assert running.payment_url is None
        assert running.sms_gateway_url is None
        assert running.smtp_host is None
