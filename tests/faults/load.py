"""Submitters that retry each idempotency key until it is answered, as a client does, and
the audit of what the database kept of what they were told."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from api.settings import Settings
from tests.catalogue import submission
from tests.faults.harness import AGENCIES, eventually, officer

SUBMIT = """
mutation($input: SubmitDossierInput!, $key: String) {
  submitDossier(input: $input, idempotencyKey: $key) { dossier { code } errors { code message } }
}
"""
# Errors that mean "not now, try again with the same key": payload errors, and top-level
# ones (a masked bug or a timeout during an outage is no answer either).
TRY_AGAIN = frozenset({"IN_PROGRESS", "UNAVAILABLE", "CONFLICT"})
TRY_AGAIN_TOP_LEVEL = frozenset({"INTERNAL_ERROR", "TIMEOUT", "UNAVAILABLE"})
MARK = "Fault "


def _final(outcome: str) -> bool:
    """Whether a try's outcome is an answer (a refusal) rather than a reason to retry."""
    if outcome.startswith("top-level "):
        return not set(outcome.removeprefix("top-level ").split(",")) <= TRY_AGAIN_TOP_LEVEL
    if outcome.startswith("http "):
        return outcome.startswith("http 4") and outcome != "http 429"
    return outcome.isupper() and outcome not in TRY_AGAIN


@dataclass(frozen=True)
class Ack:
    key: str
    agency: str
    code: str
    acked_at: float
    tries: int  # more than 1: the key was retried


@dataclass
class Bases:
    """The API processes that take requests now; a scenario adds and removes them."""

    urls: list[str]
    turn: itertools.count[int] = field(default_factory=itertools.count)

    def next(self) -> str:
        return self.urls[next(self.turn) % len(self.urls)]


class Submitter:
    """Submits dossiers at one agency, one key at a time, each retried until answered."""

    def __init__(
        self, name: str, agency: str, token: str, bases: Bases, http: httpx.AsyncClient
    ) -> None:
        self.name, self.agency, self.token, self.bases, self.http = name, agency, token, bases, http
        self.acks: list[Ack] = []
        self.refused: dict[str, str] = {}  # key -> a final error code
        self.unanswered: dict[str, Counter[str]] = {}  # key -> what its tries got
        self.outcomes: Counter[str] = Counter()
        self.in_flight: dict[str, str] = {}  # key -> the base it was sent to
        self.stopping = False
        self.deadline = float("inf")  # when a key still unanswered is given up

    def body(self, key: str) -> dict[str, Any]:
        data = {"fullName": f"{MARK}{key}", "birthDate": "1990-05-17"}
        variables = {"input": submission(data, receivingAgencyCode=self.agency), "key": key}
        return {"query": SUBMIT, "variables": variables}

    async def attempt(self, key: str, base: str, seconds: float = 30.0) -> tuple[str, str | None]:
        """One try: ("ok", code), or what came back instead and no code."""
        headers = {"authorization": f"Bearer {self.token}"}
        try:
            response = await self.http.post(
                f"{base}/graphql", json=self.body(key), headers=headers, timeout=seconds
            )
        except httpx.TimeoutException:
            return "timeout", None
        except httpx.TransportError:
            return "transport", None
        if response.status_code != 200:
            return f"http {response.status_code}", None
        answer = response.json()
        if answer.get("errors"):
            codes = {e.get("extensions", {}).get("code", "?") for e in answer["errors"]}
            return "top-level " + ",".join(sorted(codes)), None
        payload = answer["data"]["submitDossier"]
        if payload["errors"]:
            return str(payload["errors"][0]["code"]), None
        return "ok", str(payload["dossier"]["code"])

    async def answer(self, key: str) -> None:
        """Tries `key` until an answer comes (a code or a final error) or the deadline."""
        tries, got = 0, Counter[str]()
        while time.monotonic() < self.deadline:
            base = self.bases.next()
            tries += 1
            self.in_flight[key] = base
            timeout = min(30.0, self.deadline - time.monotonic())
            outcome, code = await self.attempt(key, base, timeout)
            del self.in_flight[key]
            self.outcomes[outcome] += 1
            if code is not None:
                self.acks.append(Ack(key, self.agency, code, time.monotonic(), tries))
                return
            got[outcome] += 1
            if _final(outcome):
                self.refused[key] = outcome
                return
            await asyncio.sleep(0.25 if outcome == "IN_PROGRESS" else 0.05)
        self.unanswered[key] = got

    async def run(self) -> None:
        """New keys until `stopping`; the last one is still answered, or given up at
        the deadline."""
        for n in itertools.count():
            if self.stopping or time.monotonic() >= self.deadline:
                return
            await self.answer(f"{self.name}-{n}")

    def acked_since(self, moment: float) -> int:
        return sum(ack.acked_at > moment for ack in self.acks)


def submitters(
    settings: Settings, bases: Bases, http: httpx.AsyncClient, count: int, agencies: int
) -> list[Submitter]:
    """`count` clients, spread over the first `agencies` agencies, each its own officer."""
    at = [AGENCIES[i % min(agencies, len(AGENCIES))] for i in range(count)]
    return [
        Submitter(f"s{i}", at[i], officer(settings, f"s{i}", at[i]), bases, http)
        for i in range(count)
    ]


def all_acks(submitters: list[Submitter]) -> list[Ack]:
    return sorted((a for s in submitters for a in s.acks), key=lambda a: a.acked_at)


def first_ack_after(submitters: list[Submitter], moment: float, agency: str | None = None) -> float:
    """Seconds from `moment` to the first acknowledgement after it (inf: none yet)."""
    times = [
        a.acked_at
        for s in submitters
        for a in s.acks
        if a.acked_at > moment and agency in (None, a.agency)
    ]
    return min(times, default=float("inf")) - moment


@dataclass
class Audit:
    """What the submitters were told against what the database holds, and what each
    key answers when retried afterwards."""

    acked: int = 0
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    reissued: list[str] = field(default_factory=list)
    twice: list[str] = field(default_factory=list)
    without_event: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    stuck_keys: set[str] = field(default_factory=set)  # stuck or unanswered
    replay_max_seconds: float = 0.0

    def problems(self) -> list[str]:
        found = {
            "acknowledged but not stored (key: code)": self.lost,
            "acknowledged code now on another dossier (code: acked key / stored key)": (
                self.reissued
            ),
            "one key, several dossiers (key: codes)": self.twice,
            "dossier without its RECEIVED event": self.without_event,
            "key stuck: a retry did not answer its dossier at once (key: answer)": self.stuck,
            "refused with a final error (key: code)": self.refused,
            "never answered before the deadline (key: what the tries got)": self.unanswered,
        }
        return [f"{len(v)} {what}: {sorted(v)[:10]}" for what, v in found.items() if v]


async def audit(db: AsyncDatabase[dict[str, Any]], submitters: list[Submitter], base: str) -> Audit:
    """Reads every dossier and RECEIVED event of `db`, then sends every key again to
    `base`; call it once the submitters have stopped."""
    report = Audit()
    acks = {a.key: a for a in all_acks(submitters)}
    report.acked = len(acks)
    stored: dict[str, str] = {}  # code -> the key its form data carries
    by_key: dict[str, list[str]] = {}
    async for doc in db.dossiers.find({}, {"code": 1, "data.fullName": 1}):
        key = str(doc.get("data", {}).get("fullName", "")).removeprefix(MARK)
        stored[doc["code"]] = key
        by_key.setdefault(key, []).append(doc["code"])
    report.stored = len(stored)
    with_event = set(await db.dossier_events.distinct("dossier_code", {"type": "RECEIVED"}))
    report.without_event = [code for code in stored if code not in with_event]
    for key, ack in acks.items():
        if ack.code not in stored:
            report.lost.append(f"{key}: {ack.code}")
        elif stored[ack.code] != key:
            report.reissued.append(f"{ack.code}: {key} / {stored[ack.code]}")
    report.twice = [f"{key}: {codes}" for key, codes in by_key.items() if len(codes) > 1]
    for s in submitters:
        report.refused += [f"{key}: {code}" for key, code in s.refused.items()]
        report.unanswered += [f"{key}: {dict(got)}" for key, got in s.unanswered.items()]
        report.stuck_keys.update(s.unanswered)
    await _replay(report, submitters, acks, base)
    return report


async def _replay(
    report: Audit, submitters: list[Submitter], acks: dict[str, Ack], base: str
) -> None:
    """Every key once more, with the same request: its dossier's code must come back
    at once (a key left unanswered must answer now too)."""
    limit = asyncio.Semaphore(16)

    async def again(s: Submitter, key: str) -> None:
        async with limit:
            started = time.monotonic()
            outcome, code = await s.attempt(key, base, seconds=5.0)
            report.replay_max_seconds = max(report.replay_max_seconds, time.monotonic() - started)
        expected = acks[key].code if key in acks else None
        if code is None or (expected is not None and code != expected):
            report.stuck.append(f"{key}: {code or outcome} (acknowledged {expected})")
            report.stuck_keys.add(key)

    keys = [(s, a.key) for s in submitters for a in s.acks]
    keys += [(s, key) for s in submitters for key in s.unanswered]
    await asyncio.gather(*(again(s, key) for s, key in keys))


class Load:
    """Submitters running as tasks for the length of the block."""

    def __init__(self, submitters: list[Submitter]) -> None:
        self.submitters = submitters
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Load:
        self.tasks = [asyncio.create_task(s.run()) for s in self.submitters]
        return self

    async def stop(self, settle: float) -> None:
        """No new keys; each submitter's last key is tried for `settle` more seconds."""
        for s in self.submitters:
            s.stopping = True
            s.deadline = min(s.deadline, time.monotonic() + settle)
        await asyncio.gather(*self.tasks)

    async def __aexit__(self, *exc: object) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def acks(self) -> list[Ack]:
        return all_acks(self.submitters)

    async def next_ack(self, within: float) -> bool:
        """Whether another acknowledgement came within `within` seconds (polled each ms)."""
        before = len(self.acks())
        return await eventually(lambda: len(self.acks()) > before, within, step=0.001)

    async def until_acked(self, count: int, since: float, within: float) -> bool:
        """Whether `count` acknowledgements came after `since`, waiting up to `within`."""
        return await eventually(
            lambda: sum(s.acked_since(since) for s in self.submitters) >= count, within
        )
