"""A schema rebuild does not cut open subscriptions: they go on delivering events."""

from __future__ import annotations

from api.authentication import issue_token
from api.settings import Settings
from api.workers.schema_watcher import SchemaWatcher
from tests.api.test_live_schema import eventually, publish
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient
from tests.realtime import bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import SUBMIT


async def test_a_subscription_keeps_running_across_a_schema_rebuild(settings: Settings) -> None:
    token = issue_token(settings, "officer:reception", sub="live-schema", agency=WARD)
    async with serving(settings) as served:
        watcher: SchemaWatcher = served.app.state.schema_watcher
        await load_tiny_catalogue()  # publishes the `permit` form: a first rebuild

        async def rebuilt(times: int, watcher: SchemaWatcher = watcher) -> bool:
            return watcher.rebuilds >= times

        await eventually(lambda: rebuilt(1))
        async with subscriber(served.ws_url, bearer(token)) as sub:
            await sub.subscribe()
            await served.registered(1)
            old = served.app.state.schema_watcher.rebuilds
            await publish(served.client(settings).as_role("system_admin"))
            await eventually(lambda: rebuilt(old + 1))

            writer = GraphQLClient(served.http, settings, token)
            submitted = await writer.data(SUBMIT, {"input": submission()})
            code = submitted["submitDossier"]["dossier"]["code"]
            event = await sub.next_event()
    assert (event["type"], event["dossierCode"], event["dossier"]["code"]) == (
        "RECEIVED",
        code,
        code,
    )
