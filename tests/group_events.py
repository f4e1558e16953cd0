"""Group submissions made directly in the database (as the group submission does), for
the tests of group events, filters and statistics: members are ordinary dossiers."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from api.settings import Settings
from documents.calendar.declared_days import load_calendar
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import in_event_transaction, record_events
from documents.groups.definition import GroupMember, ProcedureGroup
from documents.groups.records import DossierGroup, GroupMemberDossier
from documents.groups.tracking import record_group_created
from tests.catalogue import APPLICANT_ID, PROCEDURE, WARD

GROUP = "TEST-BIRTH"


async def define_group(processing_days: int = 3) -> None:
    await ProcedureGroup(
        code=GROUP,
        name="Liên thông thử",
        members=[GroupMember(procedure_code=PROCEDURE, required=True)],
        processing_days=processing_days,
        verification_days=processing_days + 2,
        combined_form={"type": "object"},
    ).insert()


async def make_group(
    settings: Settings, code: str, members: list[str], received_at: datetime
) -> DossierGroup:
    """A group of the dossiers `members` (submitted already): the record, the members'
    group code, the roll-up's reception and GROUP_CREATED, in one transaction."""
    calendar = await load_calendar(settings.office_hours)
    group = DossierGroup(
        code=code,
        group_code=GROUP,
        receiving_agency_code=WARD,
        applicant_id=APPLICANT_ID,
        members=[
            GroupMemberDossier(procedure_code=PROCEDURE, dossier_code=m, agency_code=WARD)
            for m in members
        ],
        received_at=received_at,
        due_at=calendar.deadline(received_at, 3, None),
    )

    async def work(session: AsyncClientSession) -> None:
        await group.insert(session=session)
        await Dossier.get_pymongo_collection().update_many(
            {"code": {"$in": members}}, {"$set": {"group_code": code}}, session=session
        )
        await record_events(session, [await record_group_created(session, group, calendar)])

    await in_event_transaction(DossierGroup, work)
    return group
