"""Typed form data: 3 fields of a 700-field form through `formData` against the whole
`data` JSON, a page of dossiers, same run.

A generated form of 700 text fields is published, a procedure uses it, and `--dossiers`
dossiers are submitted. One query asks each dossier of the page for three fields through
`formData { ... on Bench700FieldsFormData { f001 f350 f700 } }`, the other for `data`.
Runs alternate so machine noise hits both alike; medians and their ratio matter.

    .venv/bin/python -m bench.form_data [--dossiers 100] [--runs 20] [--warmup 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from pathlib import Path
from statistics import median
from typing import Any

import httpx
from starlette.routing import Route

from api.app import create_app
from api.authentication import issue_token
from api.database import connect
from api.embedded import database_uri
from api.http.graphql import MotcuaGraphQL
from api.settings import Settings
from demo.catalogue import CITY, procedures
from demo.sample_data import sample_applicant
from demo.seeding import seed_catalogue
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.forms import lifecycle
from documents.catalogue.forms.published import published_forms
from documents.dossiers.dossier import Channel
from documents.workflow.submitting import Submission, submit
from schema import build_schema

FIELDS = 700
KEY = "bench-700-fields"
PROCEDURE = "9.999700"
NAMES = [f"f{i:03d}" for i in range(1, FIELDS + 1)]
PAGE = f'first: {{n}}, filter: {{procedureCode: "{PROCEDURE}"}}'
TYPED = (
    "{ dossiers(" + PAGE + ") { edges { node { code formData {"
    " ... on Bench700FieldsFormData { f001 f350 f700 } } } } } }"
)
WHOLE = "{ dossiers(" + PAGE + ") { edges { node { code data } } } }"


def form_schema() -> dict[str, Any]:
    properties = {name: {"type": "string", "maxLength": 200} for name in NAMES}
    return {"type": "object", "properties": properties}


async def seed(settings: Settings, dossiers: int) -> None:
    client = await connect(settings.mongodb_uri or "", settings)
    try:
        await seed_catalogue()
        draft = await lifecycle.create_draft(KEY, "700 trường", form_schema())
        assert draft.id is not None
        await lifecycle.publish(draft.id)
        template = procedures()[0]
        plain: dict[str, Any] = {
            "id": None,
            "code": PROCEDURE,
            "form_key": KEY,
            "required_papers": [],
            "competent_authority": type(template.competent_authority)(),  # the receiver
        }
        await template.model_copy(update=plain).insert()
        rng = random.Random(2026)
        for _ in range(dossiers):
            data = {name: f"giá trị {name} {rng.randrange(10**6)}" for name in NAMES}
            submission = Submission(
                procedure_code=PROCEDURE,
                receiving_agency_code=template.agency_codes[0],
                channel=Channel.ONLINE,
                applicant=sample_applicant(rng),
                data=data,
            )
            await submit(submission, actor="bench", hours=OfficeHours())
    finally:
        await client.close()


def endpoint(app: Any) -> MotcuaGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and isinstance(route.endpoint, MotcuaGraphQL):
            return route.endpoint
    raise RuntimeError("no GraphQL endpoint")


async def timed(http: httpx.AsyncClient, query: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = await http.post("/graphql", json={"query": query})
    elapsed = time.perf_counter() - started
    body = response.json()
    assert "errors" not in body, body["errors"]
    return elapsed, len(response.content)


async def run(uri: str, args: argparse.Namespace) -> None:
    settings = Settings(
        mongodb_uri=uri,
        database=f"bench_form_data_{uuid.uuid4().hex[:8]}",
        dev_mode=True,
        data_dir=Path(tempfile.mkdtemp(prefix="motcua-bench-")),
        background_services=False,
    )
    print(f"seeding a {FIELDS}-field form and {args.dossiers} dossiers…", flush=True)
    await seed(settings, args.dossiers)
    app = create_app(settings)
    token = issue_token(settings, "officer:reception", sub="bench", agency=CITY)
    typed_query, whole_query = (q.replace("{n}", str(args.dossiers)) for q in (TYPED, WHOLE))
    times: dict[str, list[float]] = {"3 typed fields": [], "whole data JSON": []}
    sizes: dict[str, int] = {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://bench",
            headers={"authorization": f"Bearer {token}"},
        ) as http,
    ):
        endpoint(app).serve(build_schema(await published_forms()))
        for run_number in range(args.warmup + args.runs):
            for label, query in zip(times, (typed_query, whole_query), strict=True):
                elapsed, size = await timed(http, query)
                sizes[label] = size
                if run_number >= args.warmup:
                    times[label].append(elapsed)
    typed, whole = (median(series) for series in times.values())
    print(f"{args.runs} runs of a page of {args.dossiers} dossiers (medians)")
    for label, series in times.items():
        print(f"  {label:16} {median(series) * 1000:8.1f} ms  {sizes[label] / 1024:8.0f} KiB")
    print(f"  ratio typed/whole {typed / whole:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100, help="dossiers (the page)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    if not 1 <= args.dossiers <= 100:
        parser.error("--dossiers must be 1 to 100 (one page)")
    configured = os.environ.get("MONGODB_URI")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as scratch:
        print("using MONGODB_URI" if configured else "starting an embedded SecantusDB…")
        with database_uri(configured, Path(scratch) / "db") as uri:
            asyncio.run(run(uri, args))


if __name__ == "__main__":
    main()
