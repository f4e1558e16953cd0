"""A simulator of the national population database: answers lookups by personal
identification number and full name from a seeded, synthetic table (data/population.json).

The protocol is motcua's own (the national interface could not be checked):
`POST /lookups` with `{"idNumber", "fullName"}` answers 200 `{"result": "FOUND" |
"NOT_FOUND" | "MISMATCH"}`, 400 for a malformed body, and 503 for a number the table
marks `"fault": "UNAVAILABLE"`; a number marked `"fault": "SLOW"` is answered after
`slow_seconds`. The body is POSTed so that no number appears in a URL or an access log;
the simulator logs nothing about a lookup."""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TABLE = Path(__file__).with_name("data") / "population.json"
_ID_NUMBER = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Person:
    id_number: str
    full_name: str
    fault: str | None = None


def same_name(first: str, second: str) -> bool:
    """Names compare as the database would: Unicode-normalised (NFC), case-folded,
    whitespace collapsed; diacritics count ("Lê" is not "Le")."""

    def key(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return key(first) == key(second)


def load_table(path: Path = TABLE) -> dict[str, Person]:
    people = json.loads(path.read_text(encoding="utf-8"))["people"]
    return {
        row["idNumber"]: Person(row["idNumber"], row["fullName"], row.get("fault"))
        for row in people
    }


def create_app(table: dict[str, Person] | None = None, slow_seconds: float = 2.0) -> Starlette:
    people = load_table() if table is None else table

    async def lookup(request: Request) -> JSONResponse:
        try:
            body: Any = await request.json()
        except ValueError:
            return JSONResponse({"error": "the body must be JSON"}, status_code=400)
        id_number = body.get("idNumber") if isinstance(body, dict) else None
        full_name = body.get("fullName") if isinstance(body, dict) else None
        if not isinstance(id_number, str) or not _ID_NUMBER.match(id_number):
            return JSONResponse({"error": "idNumber must be 12 digits"}, status_code=400)
        if not isinstance(full_name, str) or not full_name.strip():
            return JSONResponse({"error": "fullName is required"}, status_code=400)
        person = people.get(id_number)
        if person is not None and person.fault == "UNAVAILABLE":
            return JSONResponse({"error": "the database is unavailable"}, status_code=503)
        if person is not None and person.fault == "SLOW":
            await asyncio.sleep(slow_seconds)
        if person is None:
            result = "NOT_FOUND"
        else:
            result = "FOUND" if same_name(person.full_name, full_name) else "MISMATCH"
        return JSONResponse({"result": result})

    return Starlette(routes=[Route("/lookups", lookup, methods=["POST"])])
