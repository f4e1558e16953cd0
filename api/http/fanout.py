"""Fan-out groups: one execution per event for subscribers who would get the same payload.

Subscribers whose `dossierEvents` operation (document, operation name, variables), schema
and visibility class are the same share one execution: the group runs the subscription
once, with the context of its first member, serialises each result once, and writes it
to every member's socket inside a frame that only differs by the operation id.

The visibility class is everything the access policy and masking read of a viewer: the
principal without its subject (the user or key id, which only mutations read) and the
agencies it covers. Two viewers of one class get the same answer from `can_view` and
`sees_personal_data` for every dossier, so they may share a payload; any difference
(another agency, role, applicant, integrator scope) makes another group, and each group's
execution still checks every event against its class.

Only subscriptions that start "from now" are grouped: one that resumes (`after`) replays
its own past and runs alone, as before. A member joining a running group gets only the
events after the last one the hub had published when it joined, as a lone subscription
would. Writes never wait for a slow member: each member has its own backlog, and one that
overflows is dropped with `SUBSCRIBER_TOO_SLOW` and the position to resume after.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Protocol

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationType,
    VariableNode,
    get_operation_ast,
    parse,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError

from api.http.errors import INTERNAL_ERROR, UNEXPECTED_MESSAGE
from schema.core.context import Context, LiveFeed
from schema.dossiers.resuming import TOO_SLOW

logger = logging.getLogger("motcua.fanout")

FIELD = "dossierEvents"
GroupKey = tuple[int, str, str | None, str, str]


class Socket(Protocol):
    """What a member needs of its connection: a way to write a text frame, and to forget
    the operation once its final frame is written."""

    async def send_text(self, text: str) -> None: ...

    def finished(self, operation_id: str) -> None: ...


class Streams(Protocol):
    async def stream(
        self,
        query: str,
        variable_values: dict[str, Any] | None = None,
        context_value: Any = None,
        root_value: Any = None,
        operation_name: str | None = None,
    ) -> Any: ...


@lru_cache(maxsize=256)
def _parsed(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None


def groupable(query: object, variables: Mapping[str, Any] | None, name: str | None) -> bool:
    """Whether the operation is a `dossierEvents` subscription that starts from now."""
    if not isinstance(query, str):
        return False
    document = _parsed(query)
    if document is None:
        return False
    operation = get_operation_ast(document, name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return False
    fields = operation.selection_set.selections
    if len(fields) != 1 or not isinstance(fields[0], FieldNode) or fields[0].name.value != FIELD:
        return False
    return all(_from_now(argument, variables or {}) for argument in fields[0].arguments or ())


def _from_now(argument: ArgumentNode, variables: Mapping[str, Any]) -> bool:
    if argument.name.value != "after":
        return True
    value = argument.value
    return isinstance(value, VariableNode) and variables.get(value.name.value) is None


def frame(operation_id: str, payload: str) -> str:
    """A `next` message around an already serialised payload."""
    return '{"id":' + json.dumps(operation_id) + ',"type":"next","payload":' + payload + "}"


def _final(operation_id: str, kind: str, payload: Any = None) -> str:
    message: dict[str, Any] = {"id": operation_id, "type": kind}
    if payload is not None:
        message["payload"] = payload
    return json.dumps(message)


class Member:
    """One subscriber of a group: its socket, its operation id, where it joined, and the
    frames written to it in order by at most one task at a time."""

    __slots__ = ("backlog", "ended", "mark", "operation_id", "passed", "sender", "socket")

    def __init__(self, socket: Socket, operation_id: str, mark: int | None) -> None:
        self.socket = socket
        self.operation_id = operation_id
        self.mark = mark
        self.passed = mark
        self.backlog: deque[tuple[str, int | None]] = deque()
        self.sender: asyncio.Task[None] | None = None
        self.ended = False

    def wants(self, position: int | None) -> bool:
        return position is None or self.mark is None or position > self.mark

    def offer(self, text: str, position: int | None, limit: int) -> bool:
        """Queues a frame; False when its backlog is full (the member is too slow)."""
        if len(self.backlog) >= limit:
            return False
        self.backlog.append((text, position))
        if self.sender is None:
            self.sender = asyncio.create_task(self._drain())
        return True

    async def _drain(self) -> None:
        try:
            while self.backlog:
                # Taken off before the write: a drop meanwhile clears only what is queued.
                text, position = self.backlog.popleft()
                await self.socket.send_text(text)
                if position is not None:
                    self.passed = position
        except Exception:  # the client went away; its connection cleans up
            self.backlog.clear()
        finally:
            self.sender = None

    def end(self, text: str) -> None:
        """Writes the last message (after any queued) and forgets the operation."""
        if self.ended:
            return
        self.ended = True
        self.socket.finished(self.operation_id)
        self.backlog.append((text, None))
        if self.sender is None:
            self.sender = asyncio.create_task(self._drain())


class _RecordingEvents:
    """The hub as the group's execution sees it: it notes the group's feed, so the hub
    counts every member of the group as a subscriber."""

    def __init__(self, hub: Any, group: Group) -> None:
        self.hub, self.group = hub, group

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[LiveFeed]:
        async with self.hub.subscribe() as feed:
            self.group.feed = feed
            self.group.counted()
            yield feed


@dataclass(frozen=True)
class SharedOperation:
    """What a group executes once for all its members, and how it encodes the result."""

    schema: Streams
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    encode: Callable[[Any], str | bytes]


class Group:
    def __init__(
        self, groups: FanoutGroups, key: GroupKey, operation: SharedOperation, context: Context
    ) -> None:
        self.groups, self.key, self.operation = groups, key, operation
        self.hub = context.events
        self.context = copy.copy(context)  # its own loaders, per event; the same viewer
        self.context.events = _RecordingEvents(self.hub, self)
        self.members: dict[tuple[int, str], Member] = {}
        self.feed: Any = None
        self.task: asyncio.Task[None] | None = None

    def counted(self) -> None:
        if self.feed is not None:
            self.feed.listeners = max(1, len(self.members))

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="motcua-fanout-group")

    def _serialised(self, payload: Any) -> str:
        encoded = self.operation.encode(payload)
        return encoded.decode() if isinstance(encoded, bytes) else encoded

    async def _run(self) -> None:
        try:
            operation = self.operation
            source = await operation.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=self.context,
                operation_name=operation.operation_name,
            )
            async with contextlib.aclosing(source):
                async for result in source:
                    if isinstance(result, PreExecutionError):
                        self._end_all("error", [e.formatted for e in result.errors or []])
                        return
                    if not isinstance(result, ExecutionResult):
                        error = GraphQLError("Incremental delivery is not supported")
                        self._end_all("error", [error.formatted])
                        return
                    self._send(result)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise  # its last member left
            self._failed()  # something it awaited was cancelled under it
        except Exception:
            logger.exception("a shared subscription execution failed")
            self._failed()
        self._end_all("complete")

    def _failed(self) -> None:
        """Never silence: every member hears that the execution failed."""
        error = GraphQLError(UNEXPECTED_MESSAGE, extensions={"code": INTERNAL_ERROR})
        failed = json.dumps({"data": None, "errors": [error.formatted]})
        for member in list(self.members.values()):
            member.offer(frame(member.operation_id, failed), None, self.groups.backlog + 1)

    def _send(self, result: ExecutionResult) -> None:
        self.groups.executions += 1
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        self._send_all(payload, getattr(self.context, "position", None))

    def _send_all(self, payload: Any, position: int | None) -> None:
        shared = self._serialised(payload)
        limit = self.groups.backlog
        for member in list(self.members.values()):
            if member.wants(position) and not member.offer(
                frame(member.operation_id, shared), position, limit
            ):
                self._drop(member)

    def _drop(self, member: Member) -> None:
        passed = member.passed if member.passed is not None else 0
        error = GraphQLError(
            f"subscriber too slow; resume with after: {passed}",
            extensions={"code": TOO_SLOW, "after": str(passed)},
        )
        member.backlog.clear()
        failed = json.dumps({"data": None, "errors": [error.formatted]})
        member.backlog.append((frame(member.operation_id, failed), None))
        self.leave(member.socket, member.operation_id, final="complete")
        logger.warning("dropped a subscriber whose backlog (%d) was full", self.groups.backlog)

    def _end_all(self, kind: str, payload: Any = None) -> None:
        self.groups.forget(self)
        for member in list(self.members.values()):
            member.end(_final(member.operation_id, kind, payload))
        self.members.clear()

    def join(self, member: Member) -> None:
        self.members[(id(member.socket), member.operation_id)] = member
        self.counted()

    def leave(self, socket: Socket, operation_id: str, final: str | None = None) -> None:
        member = self.members.pop((id(socket), operation_id), None)
        self.groups.placed.pop((id(socket), operation_id), None)
        if member is not None and final is not None:
            member.end(_final(operation_id, final))
        self.counted()
        if not self.members:
            self.groups.forget(self)
            if self.task is not None:
                self.task.cancel()


class FanoutGroups:
    """The groups of one API process, by operation and visibility class."""

    def __init__(self, backlog: int = 1000) -> None:
        self.backlog = backlog
        self.groups: dict[GroupKey, Group] = {}
        self.executions = 0  # results executed (once per group per event)
        # Which group each (socket, operation id) is a member of.
        self.placed: dict[tuple[int, str], Group] = {}

    async def join(
        self, socket: Socket, operation_id: str, operation: SharedOperation, context: Context
    ) -> None:
        key = await self.key(operation, context)
        group = self.groups.get(key)
        if group is None:
            group = Group(self, key, operation, context)
            self.groups[key] = group
            group.start()
        hub = context.events
        mark = getattr(hub, "last_position", None)
        group.join(Member(socket, operation_id, mark))
        self.placed[(id(socket), operation_id)] = group

    def leave(self, socket: Socket, operation_id: str) -> None:
        group = self.placed.pop((id(socket), operation_id), None)
        if group is not None:
            group.leave(socket, operation_id)

    def forget(self, group: Group) -> None:
        if self.groups.get(group.key) is group:
            del self.groups[group.key]
        for where in [w for w, g in self.placed.items() if g is group]:
            del self.placed[where]

    @staticmethod
    async def key(operation: SharedOperation, context: Context) -> GroupKey:
        access = await context.access()
        viewer = replace(context.principal, subject=None)
        visibility = repr((viewer, sorted(access.agencies or ())))
        arguments = json.dumps(operation.variables or {}, sort_keys=True, default=str)
        return (
            id(operation.schema),
            operation.query,
            operation.operation_name,
            arguments,
            visibility,
        )
