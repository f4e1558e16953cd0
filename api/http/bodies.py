"""Reading a GraphQL request's body strictly: every malformed body is a 400 with a
GraphQL error, never an exception that would answer a plain-text 500.

Python's json accepts `NaN` and `Infinity`, recurses until the interpreter's limit, and
decodes `"\\ud800"` into text MongoDB cannot store; Strawberry expects the body to be an
object and a multipart `map` to be an object of lists. Each is refused here.
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLRequestData

from schema.core.context import Context


class UnacceptableJSONError(json.JSONDecodeError):
    """Valid-looking JSON that this API refuses; a JSONDecodeError, so that the
    WebSocket transport closes with its "non-JSON message" code as for any bad JSON."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)
        self.reason = reason


def _refuse_constant(name: str) -> Any:
    raise UnacceptableJSONError(f"{name} is not a JSON number")


def strict_json(data: str | bytes) -> Any:
    """json.loads, refusing NaN and infinities, deep nesting, invalid UTF-8 and lone
    surrogates."""
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
        # Lone surrogates ("\ud800" escapes) decode, but cannot be encoded again.
        json.dumps(value, ensure_ascii=False).encode()
    except RecursionError:
        raise UnacceptableJSONError("it is nested too deeply") from None
    except UnicodeError:
        raise UnacceptableJSONError("it is not valid UTF-8 text") from None
    return value


class StrictBodyGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with the body read by `strict_json` and checked for shape."""

    def decode_json(self, data: str | bytes) -> object:
        return strict_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except UnacceptableJSONError as error:
            raise HTTPException(
                400, f"The request is not acceptable JSON: {error.reason}."
            ) from None
        except json.JSONDecodeError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        try:
            return await super().parse_http_body(request)
        except (AttributeError, TypeError, KeyError, IndexError, ValueError):
            # Strawberry reads the parsed body as an object: `1`, `"x"` or `null` fail.
            raise HTTPException(
                400, "The request must be a JSON object with a `query` string."
            ) from None

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
        """The GraphQL multipart request spec: `operations` an object, `map` an object
        whose values are lists of paths into `operations`, each naming a place there."""
        try:
            form = await request.get_form_data()
        except (ValueError, MultiPartException, StarletteHTTPException):
            raise HTTPException(400, "Unable to parse the multipart body") from None
        operations = self._json_part(form.form.get("operations", "{}"), "operations")
        files_map = self._json_part(form.form.get("map", "{}"), "map")
        if not isinstance(operations, dict | list):
            raise HTTPException(400, "The multipart `operations` must be a JSON object.")
        if not isinstance(files_map, dict) or not all(
            isinstance(paths, list) and all(isinstance(p, str) for p in paths)
            for paths in files_map.values()
        ):
            raise HTTPException(400, "The multipart `map` must map file names to lists of paths.")
        if any(name not in form.files for name in files_map):
            raise HTTPException(400, "File(s) missing in form data")
        try:
            # A list of operations passes through, to be refused as a batch.
            replaced: dict[str, Any] = replace_placeholders_with_files(
                operations,  # type: ignore[arg-type]
                files_map,
                form.files,
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise HTTPException(
                400, "The multipart `map` names a place that is not in `operations`."
            ) from None
        return replaced

    def _json_part(self, part: object, name: str) -> Any:
        if not isinstance(part, str | bytes):
            raise HTTPException(400, f"The multipart `{name}` must be a text part.")
        return self.parse_json(part)
