"""The Jinja2 environment of the printable forms: autoescaped, strict, Vietnamese dates.

Every value a template shows is escaped; only markup built here (the QR code's SVG, the
style sheets inlined for the PDF) is marked `| safe` in the templates. A page served to
a browser links its style sheets from `/static` (the Content-Security-Policy allows no
inline style); the same page printed to PDF carries them inline, since Chromium prints
it from a file with no network (api/http/pdf.py).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from documents.common.clock import to_local

MISSING = "—"


def _local(moment: datetime) -> datetime:
    return to_local(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def local_time(moment: datetime | None) -> str:
    """`HH:MM ngày DD/MM/YYYY` in Asia/Ho_Chi_Minh; naive datetimes are taken as UTC."""
    return _local(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else MISSING


def local_date(moment: datetime | None) -> str:
    """`DD/MM/YYYY` in Asia/Ho_Chi_Minh."""
    return _local(moment).strftime("%d/%m/%Y") if moment else MISSING


def money(amount: int) -> str:
    """Vietnamese grouping with dots: 200000 → `200.000 đồng`."""
    return f"{amount:,} đồng".replace(",", ".")


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("api.http", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["local_time"] = local_time
    env.filters["local_date"] = local_date
    env.filters["money"] = money
    return env


@functools.cache
def _stylesheet(name: str) -> str:
    return files("api.http").joinpath("static", name).read_text(encoding="utf-8")


def render(
    template: str,
    context: dict[str, Any],
    *,
    base_url: str,
    stylesheets: tuple[str, ...],
    inline: bool = False,
) -> str:
    """The page `template` with `context`. Its style sheets (files under `/static`) are
    linked absolutely (front ends show the page from their own origin), or inlined."""
    styles = {
        "stylesheet_urls": [] if inline else [f"{base_url}static/{s}" for s in stylesheets],
        "inline_styles": "\n".join(_stylesheet(s) for s in stylesheets) if inline else "",
        "for_print": inline,
    }
    return environment().get_template(template).render(context | styles)
