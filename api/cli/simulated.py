"""Development mode: the shipped simulators stand in for the national systems whose
endpoint is not configured, so `make run` shows the whole loop (docs/population.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import typer

from api.settings import Settings
from simulators import population
from simulators.serving import Running


@contextmanager
def simulated_systems(settings: Settings) -> Iterator[Settings]:
    """The settings, with each unconfigured endpoint pointing at a simulator serving on
    loopback until the block ends; unchanged outside development mode, where an
    unconfigured endpoint stays unconfigured."""
    with ExitStack() as running:
        update: dict[str, str] = {}
        if settings.development and settings.population_url is None:
            simulator = Running(population.create_app(), "population simulator")
            update["population_url"] = url = running.enter_context(simulator)
            typer.echo(f"Population database simulator (synthetic table) at {url}", err=True)
        yield settings.model_copy(update=update) if update else settings
