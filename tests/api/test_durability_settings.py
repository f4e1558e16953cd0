"""The durability limits fit inside the operation limit, and only a process whose heartbeat
runs leases its sessions."""

from __future__ import annotations

import pytest

from api.settings import Settings
from documents.common.session_leases import COLLECTION
from documents.dossiers.dossier import Dossier
from tests.catalogue import submission
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import SUBMIT


def test_transaction_and_claim_limits_end_before_the_operation_limit() -> None:
    assert Settings().transaction_limits.timeout_seconds == 10.0
    assert Settings().idempotency_timing.lease_seconds == 10.0
    quick = Settings(operation_timeout_seconds=3.0)
    assert quick.transaction_limits.timeout_seconds == pytest.approx(2.0)
    assert quick.idempotency_timing.lease_seconds == pytest.approx(2.0)
    assert Settings(session_lease_seconds=1.5).heartbeat_seconds == pytest.approx(0.5)


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_process_without_a_heartbeat_leases_no_sessions(gql: GraphQLClient) -> None:
    # The module's app runs no background services: a lease it never renewed would look
    # dead to other processes, which would kill its transactions.
    assert (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]["errors"] == []
    database = Dossier.get_pymongo_collection().database
    assert await database[COLLECTION].count_documents({}) == 0
