"""Driving claims through the claims API as a claimant or an agent, and waiting for their timeline."""

import asyncio
import random
import time
from collections.abc import Iterable

import httpx
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.collection import AsyncCollection

from contracts import CareerRecord, InsuredContact, InsuredRecordUpdated, Topic
from services.claims.auth import issue_token
from services.claims.config import ClaimsSettings
from tests.e2e.samples import INSURED_FORM, pdf_scan, png_scan

ELIGIBLE_CAREER = {
    "birth_date": "1965-04-10",
    "contribution_days": 900,
    "ceased_activity_on": "2025-12-31",
    "contributions": [{"year": 2018, "salary_share": "2100.00", "employer_share": "4200.00"}],
}
LATE_CAREER = {  # the deadline passed in 2016: late, so force majeure sends the claim to an agent (2,100.00)
    "birth_date": "1950-04-10",
    "contribution_days": 900,
    "ceased_activity_on": "2012-12-31",
    "contributions": [{"year": 2010, "salary_share": "2100.00", "employer_share": "4200.00"}],
}
LATE_RICH_CAREER = {
    **LATE_CAREER,  # 60,000.00: above the 50,000.00 an agent's acceptance takes without approval
    "contributions": [{"year": 2010, "salary_share": "60000.00", "employer_share": "1.00"}],
}
ENROLLED: list[str] = []  # every registration number the tests made, so the log check can look for them
INSURED_DOCUMENTS = (("identity_card", pdf_scan(pages=2)), ("bank_details", png_scan()))


def client_for(base_url: str, subject: str, agent: bool = False, agency: str | None = None) -> httpx.Client:
    token = issue_token(ClaimsSettings(), subject, agent=agent, agency=agency)
    return httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"})


def record_update(
    number: str, career: dict | None = None, contact: InsuredContact | None = None
) -> InsuredRecordUpdated:
    """The registry-update event the career systems publish for an insured (`career`: ELIGIBLE_CAREER by default)."""
    return InsuredRecordUpdated(
        correlation_id="test",
        producer="career-system",
        registration_number=number,
        record=CareerRecord.model_validate(career or ELIGIBLE_CAREER),
        contact=contact,
    )


async def enrol_insured(
    producer: AIOKafkaProducer,
    registry: AsyncCollection,
    career: dict | None = None,
    contact: InsuredContact | None = None,
) -> str:
    """A new insured in the eligibility registry, through the registry-update event; their registration number."""
    number = new_registration_number()
    event = record_update(number, career, contact)
    await producer.send_and_wait(Topic.INSURED_RECORD_UPDATED, event.model_dump_json().encode(), key=number.encode())
    deadline = time.monotonic() + 30
    while await registry.find_one({"_id": number}) is None:
        assert time.monotonic() < deadline, "the registry update was not applied"
        await asyncio.sleep(0.2)
    ENROLLED.append(number)
    return number


def submit_claim(api: httpx.Client, form: dict, documents: Iterable[tuple[str, bytes]] = INSURED_DOCUMENTS) -> dict:
    created = api.post("/claims", json=form).raise_for_status().json()
    for doc_type, content in documents:
        api.put(f"/claims/{created['claim_id']}/documents/{doc_type}", content=content).raise_for_status()
    assert api.post(f"/claims/{created['claim_id']}/submit").status_code == 202
    return created


def insured_form(registration_number: str, **fields) -> dict:
    """The sample form for this insured, with a phone of their own (the fake SMSC matches delivery reports by
    number and second, so two claims sharing a phone could swap their reports)."""
    return {
        **INSURED_FORM,
        "registration_number": registration_number,
        "phone": phone_of(registration_number),
        **fields,
    }


def phone_of(registration_number: str) -> str:
    return f"+212661{registration_number[-6:]}"


_used_phone_suffixes: set[str] = set()


def new_registration_number() -> str:
    """One no other claim of this test session had, nor its phone (`phone_of` keeps the last 6 digits): the tests
    count the SMS the fake SMSC received for a phone, and one claim's SMS once went to another test's claimant."""
    while (number := f"{random.randrange(10**8, 10**9)}")[-6:] in _used_phone_suffixes:
        pass
    _used_phone_suffixes.add(number[-6:])
    return number


async def wait_for_status(api: httpx.Client, claim_id: str, status: str, timeout_s: float = 90) -> dict:
    """The claim once its timeline shows `status` (a claim a portal published may not be known yet: 404)."""
    deadline, claim = time.monotonic() + timeout_s, {}
    while time.monotonic() < deadline:
        response = api.get(f"/claims/{claim_id}")
        if response.status_code != 404:
            claim = response.raise_for_status().json()
            if any(entry["status"] == status for entry in claim["timeline"]):
                return claim
        await asyncio.sleep(0.3)
    raise AssertionError(f"{status} not reached in {timeout_s}s; timeline: {claim.get('timeline')}")


async def wait_for_sms(api: httpx.Client, claim_id: str, kind: str | None = None, timeout_s: float = 90) -> dict:
    """The claim once the SMS of this kind was delivered (the fake SMSC has it by then). Without a kind: the
    SMS of a decided claim, acceptance or (when the random draw selected it) inspection."""
    deadline, claim = time.monotonic() + timeout_s, {}
    while time.monotonic() < deadline:
        claim = await wait_for_status(api, claim_id, "sms_delivered", timeout_s)
        kinds = {kind} if kind else {"acceptance", "inspection"}
        if any(e["status"] == "sms_delivered" and e["detail"]["kind"] in kinds for e in claim["timeline"]):
            return claim
        await asyncio.sleep(0.3)
    raise AssertionError(f"no {kind} SMS delivered in {timeout_s}s; timeline: {claim.get('timeline')}")
