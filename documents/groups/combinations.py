"""Which sets of a group's members a citizen may choose, and in what order the chosen
members run: a member waits for the members whose results feed it (docs/groups.md)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from documents.common.errors import DomainError, ErrorCode
from documents.groups.definition import Feed, ProcedureGroup


def waits_for(group: ProcedureGroup, procedure_code: str) -> list[str]:
    """The members whose results `procedure_code` waits for, in the order of the feeds."""
    found: list[str] = []
    for feed in group.feeds:
        if feed.to_procedure == procedure_code and feed.from_procedure not in found:
            found.append(feed.from_procedure)
    return found


def allowed(group: ProcedureGroup, chosen: Collection[str]) -> bool:
    """True when `chosen` is a set of two or more distinct members holding every required
    member, listed among the group's combinations (any such set when it lists none), and
    no chosen member waits for the result of a member not chosen: it would wait forever."""
    picked = set(chosen)
    members = [m.procedure_code for m in group.members]
    if len(picked) != len(chosen) or len(picked) < 2 or not picked <= set(members):
        return False
    if any(m.required and m.procedure_code not in picked for m in group.members):
        return False
    if group.combinations and picked not in [set(c) for c in group.combinations]:
        return False
    return all(source in picked for code in picked for source in waits_for(group, code))


def find_cycle(members: Iterable[str], feeds: Iterable[Feed]) -> list[str] | None:
    """A cycle in the feed graph as the procedures along it, first one repeated at the end
    (`[a, b, a]`), or None. Feeds naming procedures outside `members` are ignored."""
    order = list(dict.fromkeys(members))
    edges: dict[str, list[str]] = {code: [] for code in order}
    for feed in feeds:
        if feed.from_procedure in edges and feed.to_procedure in edges:
            edges[feed.from_procedure].append(feed.to_procedure)
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(code: str) -> list[str] | None:
        state[code] = 1
        path.append(code)
        for after in edges[code]:
            if state.get(after) == 1:
                return [*path[path.index(after) :], after]
            if after not in state:
                cycle = visit(after)
                if cycle is not None:
                    return cycle
        path.pop()
        state[code] = 2
        return None

    for code in order:
        if code not in state:
            cycle = visit(code)
            if cycle is not None:
                return cycle
    return None


def feed_order(group: ProcedureGroup, chosen: Collection[str]) -> list[str]:
    """The chosen members in an order where each comes after every member it waits for;
    among those free to go, the group's own order of members. Raises a VALIDATION_FAILED
    error on `procedureCodes` when the group does not allow the choice (`allowed`)."""
    if not allowed(group, chosen):
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            "the group does not allow this combination of procedures",
            "procedureCodes",
        )
    pending = [m.procedure_code for m in group.members if m.procedure_code in set(chosen)]
    done: list[str] = []
    while pending:
        ready = next(
            (c for c in pending if all(s in done for s in waits_for(group, c))),
            None,
        )
        if ready is None:  # a stored group with a cycle: definitions refuse one
            raise DomainError(ErrorCode.GROUP_INVALID, "the group's feeds form a cycle", "feeds")
        done.append(ready)
        pending.remove(ready)
    return done
