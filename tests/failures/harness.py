"""A load of claims pushed through the running stack while something goes wrong, and the final check: every claim
reached its end, none is lost, none was decided, given a receipt or sent its SMS twice."""

import asyncio
import os
import re
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from contracts import CareerRecord, InsuredRecordUpdated, Topic
from services.claims.auth import issue_token
from services.claims.config import ClaimsSettings
from services.notifications.messages import count_parts
from tests.e2e.flow import ELIGIBLE_CAREER, INSURED_DOCUMENTS, insured_form, new_registration_number, phone_of
from tests.e2e.samples import applicant_name_of, smsc_log, smsc_offset
from tests.e2e.stack import Stack

# Claims per test but the kill -9 run (500, TAAWIDATY_KILL_NINE_CLAIMS); 30 keep the folder's other tests short.
CLAIMS = int(os.environ.get("TAAWIDATY_FAILURE_CLAIMS", "30"))
REFERENCE = re.compile(r"RCS-\d{8}-[0-9A-F]{8}")
_SMSC_LINE = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$")


@dataclass(frozen=True)
class Filed:
    claim_id: str
    reference: str
    insured: str
    submitted_at: float  # time.time() when the claims API accepted the submission (a draft: its last scan)


class DeliveryReportsLost(AssertionError):
    """Everything happened exactly once, the SMS reached the SMSC, but its delivery report never came back."""


@dataclass
class Outcome:
    """What the final check found, printed by each test for the record."""

    claims: int
    seconds: float
    inspections: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        extra = f"; {'; '.join(self.notes)}" if self.notes else ""
        return (
            f"[{name}] {self.claims} claims complete in {self.seconds:.0f}s "
            f"({self.inspections} drawn for inspection){extra}"
        )


def new_registration_numbers(count: int) -> list[str]:
    return [new_registration_number() for _ in range(count)]


def smsc_messages_since(offset: int) -> list[tuple[str, str]]:
    """(receiver without '+', text) of every message part the fake SMSC logged after `offset`."""
    return smsc_lines_from(offset)[1]


def smsc_lines_from(offset: int) -> tuple[int, list[tuple[str, str]]]:
    """(where the last whole line ends, the message parts of the whole lines logged after `offset`)."""
    with smsc_log().open("rb") as file:
        file.seek(offset)
        read = file.read()
    whole = read[: read.rfind(b"\n") + 1]
    lines = whole.decode(errors="replace").splitlines()
    parts = []
    for line in lines:
        if match := _SMSC_LINE.search(line):
            _, receiver, coding, text = match.groups()
            if coding == "ucs-2":
                text = urllib.parse.unquote_to_bytes(text.replace("+", "%20")).decode("utf-16-be", errors="replace")
            parts.append((receiver.lstrip("+"), text))
    return offset + len(whole), parts


class ClaimLoad:
    """Claims of distinct insured filed through the claims API from worker threads (the test's event loop stays
    free for the chaos), each step retried while the API is away, as a portal would."""

    def __init__(self, stack: Stack, producer: AIOKafkaProducer, mongo: AsyncMongoClient, run_id: str) -> None:
        self.stack, self.producer, self.run_id = stack, producer, run_id
        self.claims = mongo[f"{run_id}_claims"]["claims"]
        self.registry = mongo[f"{run_id}_eligibility"]["insured"]
        self.decisions = mongo[f"{run_id}_eligibility"]["decisions"]
        self.receipts = mongo[f"{run_id}_receipts"]["receipts"]
        self.notifications = mongo[f"{run_id}_notifications"]["notifications"]
        self.filed: list[Filed] = []
        self.failures: list[str] = []
        self.smsc_start = smsc_offset()
        self._smsc_read, self._texted = self.smsc_start, set()
        self._lock = threading.Lock()
        self._api = threading.local()
        self._claims_settings = ClaimsSettings()

    async def enrol(self, count: int, timeout_s: float = 90) -> list[str]:
        """`count` new eligible insured in the registry, through the registry-update event."""
        numbers = new_registration_numbers(count)
        for number in numbers:
            event = InsuredRecordUpdated(
                correlation_id="failure-tests",
                producer="career-system",
                registration_number=number,
                record=CareerRecord.model_validate(ELIGIBLE_CAREER),
            )
            await self.producer.send(
                Topic.INSURED_RECORD_UPDATED, event.model_dump_json().encode(), key=number.encode()
            )
        await self.producer.flush()
        deadline = time.monotonic() + timeout_s
        while await self.registry.count_documents({"_id": {"$in": numbers}}) < count:
            assert time.monotonic() < deadline, "the registry updates were not all applied"
            await asyncio.sleep(1)
        return numbers

    async def file_all(
        self, insured: list[str], spread_s: float, workers: int = 4, api_timeout_s: float = 180, submit: bool = True
    ) -> None:
        """File one claim per insured, starting them evenly over `spread_s` seconds; with `submit=False`, their scans
        attached, they stay drafts until `submit_all`."""
        await self._in_threads(
            insured, lambda number, deadline: self.file_one(number, deadline, submit), spread_s, workers, api_timeout_s
        )

    async def submit_all(self, workers: int = 4, api_timeout_s: float = 180) -> None:
        """Submit the drafts `file_all(submit=False)` left."""
        drafts, self.filed = self.filed, []
        await self._in_threads(drafts, self.submit_one, 0, workers, api_timeout_s)

    async def _in_threads(
        self, items: list[Any], act: Callable[[Any, float], Filed], spread_s: float, workers: int, api_timeout_s: float
    ) -> None:
        """`act` on each item (an insured, a draft) in `workers` threads, starting them evenly over `spread_s`
        seconds; what it returns is `filed`, what it raises `failures`."""
        queue: asyncio.Queue[Any] = asyncio.Queue()
        started = time.monotonic()
        gap = spread_s / max(1, len(items))

        async def feed() -> None:
            for index, item in enumerate(items):
                await asyncio.sleep(max(0.0, started + index * gap - time.monotonic()))
                await queue.put(item)
            for _ in range(workers):
                await queue.put(None)

        async def work() -> None:
            while (item := await queue.get()) is not None:
                try:
                    filed = await asyncio.to_thread(act, item, time.monotonic() + api_timeout_s)
                except Exception as error:  # reported by the final check: a claim the API never took is lost
                    with self._lock:
                        self.failures.append(f"{getattr(item, 'insured', item)}: {type(error).__name__}: {error}")
                else:
                    with self._lock:
                        self.filed.append(filed)

        await asyncio.gather(feed(), *(work() for _ in range(workers)))

    def file_one(self, insured: str, deadline: float, submit: bool = True) -> Filed:
        api = self._claims_api(insured)
        created = _retry(
            lambda: api.post(
                "/claims",
                json=insured_form(insured, applicant_name=applicant_name_of(insured)),
                headers={"Idempotency-Key": f"failure-{insured}"},
            ),
            deadline,
        ).json()
        claim_id = created["claim_id"]
        for doc_type, content in INSURED_DOCUMENTS:
            _attach(api, claim_id, doc_type, content, deadline)
        draft = Filed(claim_id, created["reference"], insured, time.time())
        return self.submit_one(draft, deadline) if submit else draft

    def submit_one(self, draft: Filed, deadline: float) -> Filed:
        api = self._claims_api(draft.insured)
        _retry(lambda: api.post(f"/claims/{draft.claim_id}/submit"), deadline)
        return replace(draft, submitted_at=time.time())

    def _claims_api(self, insured: str) -> httpx.Client:
        """This thread's client of the claims API, speaking for `insured`: one client a thread, its connections
        kept, as a portal's. A new client costs 10 to 30 ms of CPU (its TLS set-up): a claim each was most of what
        filing cost the load generator."""
        api = getattr(self._api, "client", None)
        if api is None:
            api = self._api.client = httpx.Client(base_url=self.stack.url("claims"), timeout=30)
        api.headers["Authorization"] = f"Bearer {issue_token(self._claims_settings, insured)}"
        return api

    async def wait_until_filed(self, count: int, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.filed) + len(self.failures) < count:
            assert time.monotonic() < deadline, f"only {len(self.filed)} claims filed in {timeout_s}s"
            await asyncio.sleep(0.2)

    def references_at_smsc(self) -> set[str]:
        """The claim references in the SMS the fake SMSC received since the load began (the log is read on from
        where the last call stopped: a long load would otherwise read it whole twice a second)."""
        self._smsc_read, parts = smsc_lines_from(self._smsc_read)
        self._texted.update(ref for _, text in parts for ref in REFERENCE.findall(text))
        return set(self._texted)

    async def wait_for_sms(self, deadline: float, stall_s: float) -> None:
        """Until every claim's SMS reached the fake SMSC (or nothing new came for `stall_s`): read from its log,
        which costs the servers nothing, unlike polling the claims."""
        moved, last_count = time.monotonic(), -1
        references = {f.reference for f in self.filed}
        while time.monotonic() < deadline and time.monotonic() - moved < stall_s:
            seen = self.references_at_smsc()
            if references <= seen:
                return
            if len(seen) != last_count:
                moved, last_count = time.monotonic(), len(seen)
            await asyncio.sleep(1)

    async def wait_all_final(self, timeout_s: float, stall_s: float = 60) -> tuple[dict[str, dict], dict[str, dict]]:
        """(claims at their end, the others as they were when the time ran out or nothing moved for `stall_s`),
        as the claims service stored them."""
        done: dict[str, dict] = {}
        deadline = time.monotonic() + timeout_s
        await self.wait_for_sms(deadline, stall_s)
        moved, last_seen = time.monotonic(), None
        while True:
            pending = [f.claim_id for f in self.filed if f.claim_id not in done]
            last: dict[str, dict] = {}
            async for claim in self.claims.find({"_id": {"$in": pending}}, {"timeline": 1, "status": 1}):
                (done if is_final(claim) else last)[claim["_id"]] = claim
            pending = [claim_id for claim_id in pending if claim_id not in done]
            seen = sorted((claim_id, len(claim.get("timeline") or ())) for claim_id, claim in last.items())
            if seen != last_seen:
                moved, last_seen = time.monotonic(), seen
            if not pending or time.monotonic() > deadline or time.monotonic() - moved > stall_s:
                return done, {claim_id: last.get(claim_id, {}) for claim_id in pending}
            await asyncio.sleep(2)

    async def check(self, expected: int, started: float, timeout_s: float | None = None) -> Outcome:
        """Every claim at its end, each exactly once: one decision, one receipt, one notification, one SMS.
        Raises DeliveryReportsLost when the only thing missing is the delivery report of SMS that did go out."""
        assert not self.failures, f"{len(self.failures)} claims never accepted by the API: {self.failures[:5]}"
        assert len(self.filed) == expected, f"{len(self.filed)} of {expected} claims filed"
        done, pending = await self.wait_all_final(timeout_s or 240 + 6 * expected)
        elapsed = time.monotonic() - started
        claims = {**done, **pending}
        ids = [f.claim_id for f in self.filed]
        decisions = await self._count(self.decisions, ids)
        receipts = await self._count(self.receipts, ids)
        notifications = {
            doc["claim_id"]: doc async for doc in self.notifications.find({"claim_id": {"$in": ids}}, {"outbox": 0})
        }
        notified = await self._count(self.notifications, ids)
        sms = await self.sms_received()
        problems, lost, reports_lost = [], [], []
        for filed in self.filed:
            timeline = (claims[filed.claim_id].get("timeline") or {}).values()
            statuses = Counter(entry["status"] for entry in timeline)
            selected = statuses["selected_for_inspection"] > 0
            sent, parts, text_parts = sms[filed.claim_id]
            counts = {
                "decisions": decisions[filed.claim_id],
                "receipts": receipts[filed.claim_id],
                "notifications": notified[filed.claim_id],
                "sms": sent,
                "submitted": statuses["submitted"],
                "decided": statuses["decided"] + statuses["selected_for_inspection"],
                "receipt_issued": statuses["receipt_issued"],
                "accepted": statuses["accepted"] + selected,
            }
            if filed.claim_id in pending:
                record = notifications.get(filed.claim_id, {})
                if all(count == 1 for count in counts.values()) and record.get("status") in ("queued", "sent"):
                    reports_lost.append(
                        f"{filed.reference}: SMS at the SMSC, record {record['status']!r} since "
                        f"{record.get('updated_at')}, {describe(claims[filed.claim_id])}"
                    )
                else:
                    lost.append(
                        f"{filed.reference} ({filed.claim_id}): {describe(claims[filed.claim_id])}, "
                        f"notification {record.get('status')!r}"
                    )
                continue
            counts["sms_delivered"] = statuses["sms_delivered"]
            if wrong := {name: count for name, count in counts.items() if count != 1}:
                problems.append(f"{filed.reference} ({filed.claim_id}): {wrong}")
            if parts != text_parts:
                problems.append(f"{filed.reference}: {parts} SMS parts to its phone, its text takes {text_parts}")
            kinds = {entry["detail"]["kind"] for entry in timeline if entry["status"] == "sms_delivered"}
            if kinds != {"inspection" if selected else "acceptance"}:
                problems.append(f"{filed.reference}: SMS {kinds}, selected for inspection: {selected}")
        assert not lost, f"{len(lost)} of {expected} claims lost (stuck before their SMS went out): {lost[:8]}"
        assert not problems, f"{len(problems)} claims not handled exactly once: {problems[:10]}"
        if reports_lost:
            raise DeliveryReportsLost(
                f"{len(reports_lost)} of {expected} claims never got their SMS delivery "
                f"report (the SMS did reach the SMSC, once): {reports_lost[:5]}"
            )
        inspections = sum(
            1
            for claim in done.values()
            if any(e["status"] == "selected_for_inspection" for e in claim["timeline"].values())
        )
        return Outcome(expected, elapsed, inspections)

    async def sms_received(self) -> dict[str, tuple[int, int, int]]:
        """Per claim since the load began: (SMS with its reference, parts received by its phone, parts its
        text takes). A long text comes in parts to the claim's own phone, only the first with the reference."""
        messages = smsc_messages_since(self.smsc_start)
        by_reference = Counter(ref for _, text in messages for ref in set(REFERENCE.findall(text)))
        by_receiver = Counter(receiver for receiver, _ in messages)
        texts = {
            doc["claim_id"]: doc["text"]
            async for doc in self.notifications.find(
                {"claim_id": {"$in": [f.claim_id for f in self.filed]}}, {"claim_id": 1, "text": 1}
            )
        }
        return {
            f.claim_id: (
                by_reference[f.reference],
                by_receiver[phone_of(f.insured).lstrip("+")],
                count_parts(texts[f.claim_id]) if f.claim_id in texts else 0,
            )
            for f in self.filed
        }

    @staticmethod
    async def _count(collection, ids: list[str]) -> Counter:
        return Counter([doc["claim_id"] async for doc in collection.find({"claim_id": {"$in": ids}}, {"claim_id": 1})])


def is_final(claim: dict) -> bool:
    """Its whole timeline is there: the claims service reads eight topics, with no order between them, so the
    SMS delivery may be recorded before the decision it follows."""
    timeline = (claim.get("timeline") or {}).values()
    statuses = {entry["status"] for entry in timeline}
    selected = "selected_for_inspection" in statuses
    delivered = {entry["detail"].get("kind") for entry in timeline if entry["status"] == "sms_delivered"}
    expected = {"submitted", "documents_verified", "receipt_issued"} | (
        {"selected_for_inspection"} if selected else {"decided", "accepted"}
    )
    return expected <= statuses and ("inspection" if selected else "acceptance") in delivered


def describe(claim: dict) -> str:
    timeline = sorted((claim.get("timeline") or {}).values(), key=lambda entry: entry["at"])
    return f"status {claim.get('status')!r}, timeline {[entry['status'] for entry in timeline]}"


def _retry(call: Callable[[], httpx.Response], deadline: float) -> httpx.Response:
    """The response once the API answers without a server error; connection errors and 5xx are retried."""
    while True:
        try:
            response = call()
            if response.status_code < 500:
                return response.raise_for_status()
            problem = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.TransportError as error:
            problem = f"{type(error).__name__}: {error}"
        if time.monotonic() > deadline:
            raise TimeoutError(f"the claims API kept failing: {problem}")
        time.sleep(0.5)


def _attach(api: httpx.Client, claim_id: str, doc_type: str, content: bytes, deadline: float) -> None:
    """Attach one scan; a retry first looks whether the lost answer's upload went through (no duplicate)."""
    first = True
    while True:
        if not first:
            claim = _retry(lambda: api.get(f"/claims/{claim_id}"), deadline).json()
            if any(document["doc_type"] == doc_type for document in claim["documents"]):
                return
        first = False
        try:
            response = api.put(f"/claims/{claim_id}/documents/{doc_type}", content=content)
            if response.status_code < 500:
                response.raise_for_status()
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"could not attach {doc_type} to {claim_id}")
        time.sleep(0.5)
