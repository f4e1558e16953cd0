"""Errors on the command line as one plain line: exit code 1 when something failed,
2 when the command was asked for something it cannot do (a usage error)."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console

from api.settings import Settings

console = Console(stderr=True)


def fail(message: object, code: int = 1) -> typer.Exit:
    """Print `motcua: <message>` on stderr; raise what this returns."""
    # markup=False: messages carry brackets of their own (e.g. "motcua[tracing]").
    console.print(
        f"motcua: {message}", style="bold red", highlight=False, soft_wrap=True, markup=False
    )
    return typer.Exit(code=code)


def load_settings() -> Settings:
    """The configuration, or a usage error naming the first variable that is wrong
    (pydantic's message, never the value: it may be a secret)."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "MOTCUA_" + "_".join(str(part) for part in first["loc"]).upper()
        raise fail(f"{name}: {first['msg']}", 2) from None
