"""Demo group submissions (liên thông, Decree 63/2024/NĐ-CP): a few interconnected groups,
each submitted once at the city centre, then played forward like the other demo dossiers.
The first member's approval records its certificate number as the result's data; that
fills and receives the members waiting for it, which are then played in turn."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from demo.agencies import CENTRE
from demo.group_procedures import (
    BIRTH_REGISTRATION,
    CHILD_HEALTH_INSURANCE,
    DEATH_REGISTRATION,
    FUNERAL_ALLOWANCE,
    RESIDENCE_REGISTRATION,
    RESIDENCE_REMOVAL,
    SURVIVOR_BENEFIT,
)
from demo.group_samples import GROUP_DATA
from demo.groups import BIRTH_GROUP, DEATH_GROUP
from demo.history import Timeline, play
from demo.population import RecordedAsFound
from demo.sample_data import sample_applicant
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.procedures import Procedure
from documents.common.clock import local_date, local_moment, utcnow
from documents.dossiers.dossier import ApplicantKind, Channel, load_dossier
from documents.dossiers.statuses import DossierStatus
from documents.groups.records import DossierGroup
from documents.workflow.group_submitting import GroupSubmission, submit_group

# Long enough ago for the slowest chain (a certificate, then the survivor benefit) to end.
GROUP_AGE = timedelta(days=40)
# Too recent for a certificate: its other members still wait for it.
RECENT = timedelta(hours=2)

# The groups of the demo, with how long ago each was submitted: the full birth group, a
# birth group of two, death groups of two and of four members, all ended; and a birth
# group of two whose residence member still waits for the birth certificate.
PLANS: list[tuple[str, tuple[str, ...], timedelta]] = [
    (
        BIRTH_GROUP,
        (BIRTH_REGISTRATION, RESIDENCE_REGISTRATION, CHILD_HEALTH_INSURANCE),
        GROUP_AGE,
    ),
    (BIRTH_GROUP, (BIRTH_REGISTRATION, CHILD_HEALTH_INSURANCE), GROUP_AGE),
    (DEATH_GROUP, (DEATH_REGISTRATION, RESIDENCE_REMOVAL), GROUP_AGE),
    (
        DEATH_GROUP,
        (DEATH_REGISTRATION, RESIDENCE_REMOVAL, FUNERAL_ALLOWANCE, SURVIVOR_BENEFIT),
        GROUP_AGE,
    ),
    (BIRTH_GROUP, (BIRTH_REGISTRATION, RESIDENCE_REGISTRATION), RECENT),
]


def _received_at(now: datetime, age: timedelta, index: int) -> datetime:
    """`age` ago when recent; otherwise 09:00 plus half an hour per group, on the last
    weekday `age` ago or before."""
    if age <= RECENT:
        return now - age
    day = local_date(now - age)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return local_moment(day, time(9)) + timedelta(minutes=30 * index)


async def seed_groups(hours: OfficeHours, seed: int = 2026) -> list[DossierGroup]:
    """Submit and play forward the demo's groups (`PLANS`); the group records, in order."""
    procedures = {p.code: p for p in await Procedure.find_all().to_list()}
    now = utcnow()
    return [await seed_group(index, procedures, now, hours, seed) for index in range(len(PLANS))]


async def seed_group(
    index: int,
    procedures: dict[str, Procedure],
    now: datetime,
    hours: OfficeHours,
    seed: int = 2026,
) -> DossierGroup:
    """The `index`th of `PLANS`, submitted and played forward until `now`. Each group draws
    from its own random source, so a seeding that stopped can resume at any group."""
    rng = random.Random(f"{seed}:group:{index}")
    group_code, chosen, age = PLANS[index % len(PLANS)]
    received_at = _received_at(now, age, index % len(PLANS))
    submission = GroupSubmission(
        group_code=group_code,
        procedure_codes=chosen,
        receiving_agency_code=CENTRE,
        channel=Channel.ONLINE,
        applicant=sample_applicant(rng, ApplicantKind.CITIZEN),
        data=GROUP_DATA[group_code](rng),
    )
    record = await submit_group(
        submission,
        actor="seed",
        received_at=received_at,
        hours=hours,
        population=RecordedAsFound(),
    )
    feeding = {code for member in record.members for code in member.waits_for}
    for member in record.members:  # in the order they run: the waited-for first
        dossier = await load_dossier(member.dossier_code)
        if dossier.status is not DossierStatus.RECEIVED:
            continue  # still waiting: its certificate was not issued before now
        start = dossier.steps[0].received_at if dossier.steps else dossier.received_at
        number = f"{rng.randint(1, 400)}/{local_date(start).year}"
        await play(
            dossier.code,
            procedures[member.procedure_code],
            DossierStatus.RETURNED,
            Timeline(start, now, rng),
            hours,
            result_data={"certificateNumber": number} if member.procedure_code in feeding else None,
        )
    return record
