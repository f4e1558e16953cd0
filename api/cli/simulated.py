"""Development mode: the shipped simulators stand in for the national systems whose
endpoint is not configured, so `make run` shows the whole loop: submit, pay, be
notified, and see the portal receive the status (docs/integrations.md, "Operations").

A secret left unset is made up for the session and given to both sides. E-mail has no
simulator: with MOTCUA_SMTP_HOST unset its messages wait in the outbox (and show in
`motcua outbox status`); point it at any SMTP sink to see them."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import typer

from api.settings import Settings
from simulators import payment, population, portal, sms_gateway
from simulators.serving import Running

# Where a simulator calls this API back when it listens on every address.
_ANY_ADDRESS = {"0.0.0.0", "::", ""}


# The endpoints a simulator stands in for.
ENDPOINTS = ("population_url", "portal_url", "payment_url", "sms_gateway_url")


def simulated(settings: Settings) -> set[str]:
    """The endpoints `simulated_systems` fills with a simulator: in development mode,
    those left unset."""
    if not settings.development:
        return set()
    return {name for name in ENDPOINTS if getattr(settings, name) is None}


def _secret(given: str | None) -> str:
    return given if given is not None else secrets.token_hex(32)


def own_url(settings: Settings) -> str:
    """This API's base URL as a simulator on the same machine reaches it."""
    host = "127.0.0.1" if settings.host in _ANY_ADDRESS else settings.host
    return f"http://{host}:{settings.port}"


@contextmanager
def simulated_systems(settings: Settings) -> Iterator[Settings]:
    """The settings, with each unconfigured endpoint pointing at a simulator serving on
    loopback until the block ends; unchanged outside development mode, where an
    unconfigured endpoint stays unconfigured."""
    wanted = simulated(settings)
    with ExitStack() as running:
        update: dict[str, Any] = {}

        def serve(app: Any, name: str, shown: str) -> str:
            url: str = running.enter_context(Running(app, name))
            typer.echo(shown.format(url=url), err=True)
            return url

        if "population_url" in wanted:
            update["population_url"] = serve(
                population.create_app(),
                "population simulator",
                "Population database simulator (synthetic table) at {url}",
            )
        if "portal_url" in wanted:
            update["portal_secret"] = secret = _secret(settings.portal_secret)
            update["portal_url"] = serve(
                portal.create_app(secret),
                "portal simulator",
                "National portal simulator at {url}: GET {url}/dossiers/<code> shows the "
                "statuses it received",
            )
        if "payment_url" in wanted:
            update["payment_secret"] = secret = _secret(settings.payment_secret)
            callback = f"{own_url(settings)}/integrations/payment/callback"
            update["payment_url"] = serve(
                payment.create_app(secret, callback),
                "payment simulator",
                "Payment platform simulator at {url}: a payment order's link opens its "
                "payment page (GET {url}/pay/<reference>), which calls this API back",
            )
        if "sms_gateway_url" in wanted:
            update["sms_gateway_token"] = token = _secret(settings.sms_gateway_token)
            # Its listing asks for the token too: a made-up one is shown (development
            # only, this session only), one of the operator's own is not.
            shown = token if settings.sms_gateway_token is None else "$MOTCUA_SMS_GATEWAY_TOKEN"
            update["sms_gateway_url"] = serve(
                sms_gateway.create_app(token),
                "SMS gateway simulator",
                "SMS and Zalo gateway simulator at {url}: GET {url}/messages lists the texts "
                f"it received (header 'Authorization: Bearer {shown}')",
            )
        yield settings.model_copy(update=update) if update else settings
