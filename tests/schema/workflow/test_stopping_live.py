"""A stopped dossier reaches subscribers like any other change: the applicant following
PROCESSING_STOPPED events over a real WebSocket sees the stop, with portal code 8."""

from __future__ import annotations

from api.authentication import issue_token
from api.settings import Settings
from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.actor import Actor
from documents.workflow import acting
from tests.catalogue import APPLICANT_ID, WARD, load_tiny_catalogue, submission
from tests.realtime import bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import SUBMIT

STOPPED_EVENTS = """
subscription($filter: DossierEventFilter) {
  dossierEvents(filter: $filter) {
    type dossierCode fromStatus toStatus dossier { status portalStatusCode reason }
  }
}
"""


async def test_the_applicant_is_told_live_that_processing_stopped(settings: Settings) -> None:
    applicant = issue_token(settings, "applicant", sub="citizen", id_number=APPLICANT_ID)
    async with serving(settings) as served:
        await load_tiny_catalogue()
        officer = served.client(settings).as_role("officer:reception", agency=WARD)
        created = await officer.data(SUBMIT, {"input": submission()})
        code: str = created["submitDossier"]["dossier"]["code"]
        async with subscriber(served.ws_url, bearer(applicant)) as sub:
            only = {"filter": {"types": ["PROCESSING_STOPPED"]}}
            await sub.subscribe(only, query=STOPPED_EVENTS)
            await served.registered(1)
            hours = OfficeHours()
            await acting.accept(code, Actor(user="tn"), hours=hours)
            await acting.stop_processing(code, "Đang thanh tra", Actor(user="ld"), hours=hours)
            event = await sub.next_event()
    assert event == {
        "type": "PROCESSING_STOPPED",
        "dossierCode": code,
        "fromStatus": "IN_PROGRESS",
        "toStatus": "STOPPED",
        "dossier": {"status": "STOPPED", "portalStatusCode": 8, "reason": "Đang thanh tra"},
    }
