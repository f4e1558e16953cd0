"""Nested reads cost a constant number of MongoDB round trips, whatever the page size."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.settings import Settings
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel
from documents.workflow.submitting import Submission, submit
from tests.catalogue import PROCEDURE, VALID_DATA, WARD, load_tiny_catalogue
from tests.conftest import GraphQLClient, running_app

NESTED_PAGE = """
query Page($first: Int!) {
  dossiers(first: $first) {
    edges { node {
      code status
      procedure { code name }
      receivingAgency { code name }
      handlingAgency { code name }
      form { key version }
      events(last: 3) { type at }
      attachments { id }
      requiredPapers { slot satisfied }
      reusedCount
    } }
  }
}
"""

# Driver housekeeping, not round trips a request causes.
_IGNORED = {"hello", "isMaster", "ismaster", "endSessions", "ping"}


class CommandCounter(CommandListener):
    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name not in _IGNORED:
            self.commands[event.command_name] += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def counted(settings: Settings) -> AsyncIterator[tuple[CommandCounter, httpx.AsyncClient]]:
    counter = CommandCounter()
    # The event hub and the webhook worker read in the background, whatever the request.
    quiet = settings.model_copy(update={"background_services": False})
    async for _, http in running_app(quiet, [counter]):
        yield counter, http


async def _count_for_page(counter: CommandCounter, gql: GraphQLClient, first: int) -> Counter[str]:
    counter.commands.clear()
    data: dict[str, Any] = await gql.data(NESTED_PAGE, {"first": first})
    edges = data["dossiers"]["edges"]
    assert len(edges) == first
    assert all(e["node"]["procedure"] and e["node"]["form"] for e in edges)
    assert all(e["node"]["events"] for e in edges)
    return counter.commands.copy()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # Handling officer, unmasked: + 2 look-ups of the agencies it covers (one per level).
        ("officer:reception", 8),
        # Sees masked data: the masking reads the forms the `form` field reads anyway.
        ("system_admin", 6),
    ],
)
async def test_nested_page_costs_the_same_round_trips_for_10_and_100_dossiers(
    counted: tuple[CommandCounter, httpx.AsyncClient], settings: Settings, role: str, expected: int
) -> None:
    counter, http = counted
    await load_tiny_catalogue()
    applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number="001090012345", full_name="A")
    for _ in range(120):
        await submit(Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA))
    gql = GraphQLClient(http, settings).as_role(role)

    small = await _count_for_page(counter, gql, 10)
    large = await _count_for_page(counter, gql, 100)

    assert small == large
    # dossiers page + procedures + agencies (both kinds share one loader) + forms + events
    # + attachments (`requiredPapers` shares the procedures and attachments batches)
    assert sum(large.values()) == expected, large
    assert "getMore" not in large
