"""A submission's transaction costs a fixed, short list of round trips.

Every event-recording transaction of a process takes its turn (documents/dossiers/
events.py, `in_event_transaction`), so a process commits one submission at a time and
its rate is one over the transaction's length: a read that comes back lengthens every
submission (docs/benchmarks.md, "Submission").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.settings import Settings
from tests.catalogue import load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app

SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code message } }
}
"""


class Transactions(CommandListener):
    """The commands of each transaction, in order, as "command collection"."""

    def __init__(self) -> None:
        self.commands: dict[tuple[Any, int], list[str]] = defaultdict(list)

    def started(self, event: CommandStartedEvent) -> None:
        command = event.command
        if "txnNumber" not in command or "autocommit" not in command:
            return  # not in a transaction (a retryable write alone has no `autocommit`)
        key = (command["lsid"]["id"], int(command["txnNumber"]))
        target = command.get(event.command_name)
        named = target if isinstance(target, str) else ""
        self.commands[key].append(f"{event.command_name} {named}".rstrip())

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


# The day's code counter; the dossier; the statistics fact, computed from what the
# transaction knows: the roll-ups (one bulk write per span), its open clock, the fact;
# `record_events`' one read of the events' dossiers (their groups, and what the outbox's
# messages say), before the positions counter; the events; the outbox's messages; the
# commit. Nothing is read that a new dossier cannot have yet, nor read twice: 18
# commands before issue 18's follow-up, 11 now.
EXPECTED = [
    "findAndModify counters",
    "insert dossiers",
    "update stats_months",
    "update stats_days",
    "update open_clocks",
    "update dossier_facts",
    "find dossiers",
    "findAndModify counters",
    "insert dossier_events",
    "insert outbox",
    "commitTransaction",
]


async def test_a_submission_transaction_reads_nothing_it_could_know(settings: Settings) -> None:
    listener = Transactions()
    quiet = settings.model_copy(update={"background_services": False})
    async for _, http in running_app(quiet, [listener]):
        await load_tiny_catalogue()
        gql = GraphQLClient(http, quiet).as_role("officer:reception")
        await gql.data(SUBMIT, {"input": submission()})  # warm-up: indexes, caches
        listener.commands.clear()
        body = await gql.data(SUBMIT, {"input": submission()})
        assert body["submitDossier"]["errors"] == []
    submitting = [c for c in listener.commands.values() if "insert dossiers" in c]
    assert len(submitting) == 1
    assert submitting[0] == EXPECTED


class MergeLookups(CommandListener):
    """How many times the agencies' merges are looked up (`current_codes`)."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: CommandStartedEvent) -> None:
        query = event.command.get("filter") or {}
        if event.command.get("find") == "agencies" and query.get("state") == "MERGED":
            self.count += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


async def test_the_checks_before_a_submission_look_up_merges_once(settings: Settings) -> None:
    """Routing is handed the current codes the submission's checks already read for the
    procedure's agencies, rather than reading them again."""
    listener = MergeLookups()
    quiet = settings.model_copy(update={"background_services": False})
    async for _, http in running_app(quiet, [listener]):
        await load_tiny_catalogue()
        gql = GraphQLClient(http, quiet).as_role("officer:reception")
        await gql.data(SUBMIT, {"input": submission()})
        listener.count = 0
        body = await gql.data(SUBMIT, {"input": submission()})
        assert body["submitDossier"]["errors"] == []
    assert listener.count == 1
