"""The mutation machinery: a field extension that takes an idempotency key, hashes every
argument for the replay check, records the audit target and turns domain errors into
payload errors. Each domain says how to admit, remember and present what it changes."""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField

from documents.access.idempotency import request_hash, run_once
from documents.common.errors import DomainError, ErrorCode
from schema.core.context import Info
from schema.core.errors import UserError, errors_from
from schema.core.input_checks import LENGTH_CHECKED_BY_RESOLVER, MAX_LENGTH

T = TypeVar("T")

KEY = "idempotency_key"
MAX_KEY_LENGTH = 200
KEY_DESCRIPTION = (
    "Retrying with the same key returns the first result without doing anything twice; "
    "while the first request still runs it is IN_PROGRESS (retry after retryAfterSeconds); "
    "the same key with a different request is IDEMPOTENCY_CONFLICT."
)


def _leaf(value: object) -> Any:
    if value is strawberry.UNSET:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if callable(getattr(value, "read", None)) and hasattr(value, "filename"):
        # An upload: its bytes are streamed later, so what identifies it is its metadata.
        return {
            "filename": getattr(value, "filename", None),
            "size": getattr(value, "size", None),
            "contentType": getattr(value, "content_type", None),
        }
    raise TypeError(f"no plain form for a {type(value).__name__} argument")


def plain(value: object) -> Any:
    """An argument as JSON data, for hashing: inputs become objects, enums their values,
    dates ISO strings, uploaded files their name, size and type."""
    return json.loads(json.dumps(value, default=_leaf))


class InvalidArgumentsError(Exception):
    """Raised by `admit` to end the mutation with these payload errors."""

    def __init__(self, errors: Sequence[UserError]) -> None:
        super().__init__("the arguments were refused")
        self.errors = list(errors)


class PayloadMutation(FieldExtension, ABC, Generic[T]):
    """A mutation whose payload carries `errors`. The resolver only does the work and
    returns what it produced (a `T`); around it this extension

    * appends the `idempotencyKey` argument (when `idempotent`), last;
    * records the audit target;
    * runs `admit`, the checks before the work (a domain error there is a payload
      error; a permission error stays a top-level error);
    * runs the work once per idempotency key, hashing every argument of the field,
      so a replay with any argument changed is IDEMPOTENCY_CONFLICT;
    * turns a domain error from the work into the payload's errors (`failed`).
    """

    payload: ClassVar[type[Any]]
    error: ClassVar[type[UserError]]

    def __init__(self, *, idempotent: bool = True) -> None:
        super().__init__()
        self.idempotent = idempotent
        self.operation = ""
        self.argument_names: list[str] = []

    def apply(self, field: StrawberryField) -> None:
        # Strawberry may apply an extension again (another schema, a copied field).
        self.operation = field.python_name
        self.argument_names = [a.python_name for a in field.arguments if a.python_name != KEY]
        if self.idempotent and all(a.python_name != KEY for a in field.arguments):
            key = StrawberryArgument(
                python_name=KEY,
                graphql_name=None,
                type_annotation=StrawberryAnnotation(str | None),
                description=KEY_DESCRIPTION,
                default=None,
                # `_once` answers a key of the wrong length with the payload's errors.
                metadata={MAX_LENGTH: MAX_KEY_LENGTH, LENGTH_CHECKED_BY_RESOLVER: True},
            )
            field.arguments = [*field.arguments, key]

    # What each domain says.

    def target(self, arguments: Mapping[str, Any], produced: T | None) -> str | None:
        """The audit log's name for what the mutation acts on; `produced` is None
        before the work, and the work's result after it if the name was not known."""
        return None

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        """Checks before the work: raise DomainError or InvalidArgumentsError to answer with
        payload errors, or a top-level error (e.g. PermissionDeniedError)."""

    @abstractmethod
    def remember(self, produced: T) -> str:
        """What an idempotency record keeps of the result, e.g. its code or id."""

    @abstractmethod
    async def recall(self, remembered: str) -> T:
        """The result a replay returns, from what `remember` kept."""

    def remember_committed(self, arguments: Mapping[str, Any], returned: object) -> str | None:
        """What `remember` would keep, told from what the work's transaction returned (or
        from the arguments), so the key's DONE state commits with the work; None when that
        cannot be told, and DONE is then written after the work (docs/durability.md)."""
        return None

    @abstractmethod
    async def succeeded(self, info: Info, arguments: Mapping[str, Any], produced: T) -> Any:
        """The payload of a mutation that did its work (or replayed it)."""

    async def failed(
        self, info: Info, arguments: Mapping[str, Any], errors: list[UserError]
    ) -> Any:
        """The payload of a mutation whose work ended with a domain error."""
        return self.payload(errors=errors)

    # The machinery.

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        key: str | None = kwargs.pop(KEY, None)
        target = self.target(kwargs, None)
        if target is not None:
            info.context.audit.targets.append(target)
        try:
            await self.admit(info, kwargs)
        except DomainError as error:
            return self.payload(errors=errors_from(self.error, error))
        except InvalidArgumentsError as refused:
            return self.payload(errors=refused.errors)
        try:
            produced = await self._once(info, key, kwargs, lambda: next_(source, info, **kwargs))
        except DomainError as error:
            return await self.failed(info, kwargs, errors_from(self.error, error))
        if target is None and (target := self.target(kwargs, produced)) is not None:
            info.context.audit.targets.append(target)
        return await self.succeeded(info, kwargs, produced)

    async def _once(
        self,
        info: Info,
        key: str | None,
        arguments: Mapping[str, Any],
        work: Callable[[], Awaitable[T]],
    ) -> T:
        """Run `work` once per idempotency key (when given); a replay recalls what the
        first run produced, or raises the domain error it ended with."""
        if key is None:
            return await work()
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise DomainError(ErrorCode.VALIDATION_FAILED, "1 to 200 characters", "idempotencyKey")
        produced: list[T] = []

        async def remembered() -> str:
            produced.append(await work())
            return self.remember(produced[0])

        principal = info.context.principal
        scope = f"{principal.kind.value}:{principal.subject or info.context.client_address}|{key}"
        request = {name: plain(arguments.get(name)) for name in self.argument_names}
        stored = await run_once(
            scope,
            request_hash(self.operation, request),
            remembered,
            timing=info.context.idempotency,
            committed=lambda returned: self.remember_committed(arguments, returned),
        )
        return produced[0] if produced else await self.recall(stored)


def payload_mutation(extension: PayloadMutation[Any], description: str | None = None) -> Any:
    """Declares a mutation answered with the extension's payload type; its resolver
    returns what it produced (e.g. a document), which the extension presents."""
    return strawberry.mutation(
        description=description, graphql_type=extension.payload, extensions=[extension]
    )
