"""Two apps in one process, each with its own office hours and upload limits.

The domain takes its configuration as arguments, so the app started last does not
overwrite the first one's (as it did when `connect()` set module globals).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, time

import pytest

from api.settings import Settings
from tests.catalogue import load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.papers import PDF, submit_dossier, upload_paper, with_papers
from tests.schema.workflow.workflow_helpers import SUBMIT, act, local

BIG_PDF = PDF + b"0" * 4096


@pytest.fixture
async def two_apps(settings: Settings) -> AsyncIterator[tuple[GraphQLClient, GraphQLClient]]:
    """The default app, and one that closes earlier and takes smaller files, started
    second, on the same database (Beanie binds its models once per process)."""
    other = settings.model_copy(
        update={
            "afternoon_cutoff": time(11, 0),
            "office_close": time(16, 30),
            "max_attachment_bytes": 4096,
        }
    )
    async for _, first in running_app(settings):
        async for _, second in running_app(other):
            await load_tiny_catalogue()
            await with_papers()
            yield (
                GraphQLClient(first, settings).as_role("officer:reception"),
                GraphQLClient(second, other).as_role("officer:reception"),
            )


async def test_each_app_counts_deadlines_in_its_own_office_hours(
    two_apps: tuple[GraphQLClient, GraphQLClient],
) -> None:
    default, early = two_apps

    # Tuesday 12:00: before the default 15:00 cut-off, after the other app's 11:00.
    by_default = await act(default, "2026-03-03 12:00", SUBMIT, input=submission())
    by_early = await act(early, "2026-03-03 12:00", SUBMIT, input=submission())

    assert by_default["dossier"]["dueAt"] == local("2026-03-06 17:00").astimezone(UTC).isoformat()
    assert by_early["dossier"]["dueAt"] == local("2026-03-09 16:30").astimezone(UTC).isoformat()


async def test_each_app_applies_its_own_attachment_limits(
    two_apps: tuple[GraphQLClient, GraphQLClient],
) -> None:
    default, small = two_apps
    file = ("big.pdf", BIG_PDF, "application/pdf")

    accepted = await upload_paper(
        default, (await submit_dossier(default))["code"], "application", file
    )
    refused = await upload_paper(small, (await submit_dossier(small))["code"], "application", file)

    assert accepted["errors"] == []
    assert [e["code"] for e in refused["errors"]] == ["FILE_TOO_LARGE"]
