"""Seeding the demo: the Hà Nội catalogue into an empty database, then generated dossiers."""

from __future__ import annotations

import random
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from demo.catalogue import CENTRE, FORMS, agencies, procedures
from demo.groups import GROUP_ROWS
from demo.history import FATES, Timeline, pick_fate, play
from demo.opinions import give_opinions, is_tet, online_share
from demo.population import RecordedAsFound
from demo.sample_data import sample_applicant, sample_form_data
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import TWO_LEVELS_FROM, Agency, AgencyLevel
from documents.catalogue.forms import lifecycle
from documents.catalogue.procedures import Procedure
from documents.catalogue.tree_rules import check_tree
from documents.common.clock import local_date, local_moment, to_local, utcnow
from documents.dossiers.dossier import Channel, load_dossier
from documents.groups.defining import create_group
from documents.workflow.submitting import Submission, submit

HISTORY_DAYS = 365
SHOWCASE_AGE = timedelta(days=12)
# Online submissions are the reform's target; the demo leans that way.
_CHANNELS = [Channel.ONLINE] * 6 + [Channel.COUNTER] * 3 + [Channel.POSTAL]
# Where any dossier of the city may be handed in, besides the procedure's own agencies.
_DESKS = frozenset({AgencyLevel.CENTRE, AgencyLevel.BRANCH, AgencyLevel.SERVICE_POINT})


async def is_empty() -> bool:
    return await Agency.count() == 0


async def seed_catalogue() -> None:
    """Agencies, one published version of each form, the procedures, and the two
    interconnected groups, each checked as an administrator's would be (docs/groups.md)."""
    tree = agencies()
    check_tree(tree)
    await Agency.insert_many(tree)
    for definition in FORMS:
        draft = await lifecycle.create_draft(
            definition.key, definition.title, definition.json_schema, definition.hints
        )
        assert draft.id is not None
        await lifecycle.publish(draft.id)
    await Procedure.insert_many(procedures())
    for row in GROUP_ROWS:
        await create_group(deepcopy(row))


async def seed_dossiers(
    count: int,
    hours: OfficeHours,
    seed: int = 2026,
    on_each: Callable[[], None] | None = None,
) -> None:
    """`count` valid dossiers (`DossierDraw.seed`), at an office keeping `hours`."""
    draw = await DossierDraw.load(hours, seed)
    for index in range(count):
        await draw.seed(index)
        if on_each is not None:
            on_each()


@dataclass(frozen=True)
class DossierDraw:
    """What the demo's dossiers are drawn from: the catalogue and the agencies as they
    are now, and the year of history before `now`."""

    hours: OfficeHours
    random_seed: int
    catalogue: list[Procedure]
    quickest: Procedure
    tree: dict[str, Agency]
    desks: list[str]
    now: datetime
    history: timedelta

    @classmethod
    async def load(cls, hours: OfficeHours, seed: int = 2026) -> DossierDraw:
        catalogue = await Procedure.find_all().sort("+code").to_list()
        # Same-day procedures (certified copies) are left to the random draw.
        quickest = min((p for p in catalogue if p.processing_days), key=lambda p: p.processing_days)
        tree = {a.code: a for a in await Agency.find_all().sort("+code").to_list()}
        desks = [a.code for a in tree.values() if a.level in _DESKS]
        now = utcnow()
        # The history never reaches back before the two-level tree its agencies belong to.
        start = local_moment(TWO_LEVELS_FROM, time(0))
        history = min(timedelta(days=HISTORY_DAYS), now - start)
        return cls(hours, seed, catalogue, quickest, tree, desks, now, history)

    async def seed(self, index: int) -> None:
        """The `index`th valid dossier, at the centre, any branch or service point or the
        procedure's own agencies that existed on the day of receipt (reception does not
        depend on the applicant's address), spread over the last year (online share and
        ratings rising, Tết slower), played forward to a drawn status so the demo shows
        every stage. Each index draws from its own random source, so a seeding that
        stopped can resume at any index.

        The first dossiers take each status in turn on the quickest procedure, received
        long enough ago to get there, so even a small demo shows every status."""
        rng = random.Random(f"{self.random_seed}:dossier:{index}")
        showcase = index < len(FATES)
        procedure = self.quickest if showcase else rng.choice(self.catalogue)
        minutes = max(int(self.history.total_seconds() // 60), 1)
        age = timedelta(minutes=rng.randrange(0, minutes))
        received_at = self.now - (SHOWCASE_AGE if showcase else age)
        # Only a desk that existed on the day of receipt receives (docs/agencies.md).
        day = local_date(received_at)
        candidates = [*procedure.agency_codes, *self.desks]
        open_desks = [c for c in candidates if self.tree[c].valid_on(day)]
        receiving = rng.choice(open_desks or [CENTRE])
        progress = 1 - age / self.history
        online = rng.random() < online_share(progress)
        submission = Submission(
            procedure_code=procedure.code,
            receiving_agency_code=receiving,
            channel=Channel.ONLINE if online else rng.choice(_CHANNELS[6:]),
            applicant=sample_applicant(rng),
            data=sample_form_data(procedure.form_key, rng),
        )
        fate = list(FATES)[index] if showcase else pick_fate(rng)
        dossier = await submit(
            submission,
            actor="seed",
            received_at=received_at,
            hours=self.hours,
            population=RecordedAsFound(),
        )
        slowness = 1.8 if is_tet(to_local(received_at)) else 1.0
        timeline = Timeline(received_at, self.now, rng, slowness)
        await play(dossier.code, procedure, fate, timeline, self.hours, showcase)
        await give_opinions(await load_dossier(dossier.code), progress, rng, self.hours)
