"""An outreach campaign on the real stack: a registry of a few hundred insured in known situations, fed through the
registry's update events, gets exactly the invitations it should, once each, across a campaign that dies half way,
a restart of the notifications service and two more runs; whoever replied STOP (through Kannel's incoming SMS), was
opted out by an agent, filed a claim, died, has pension rights or no phone in the registry gets none."""

import asyncio
import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import pytest

from contracts import InsuredContact, Topic
from services.notifications import messages
from services.notifications.config import NotificationsSettings
from services.runtime.faults import CRASH_EXIT_CODE
from tests.conftest import ROOT
from tests.e2e.flow import (
    ENROLLED,
    INSURED_DOCUMENTS,
    client_for,
    enrol_insured,
    insured_form,
    phone_of,
    record_update,
    submit_claim,
    wait_for_status,
)
from tests.e2e.samples import sms_from_phone, smsc_messages
from tests.e2e.stack import port_of

TODAY = "2026-12-01"
OWED = {"birth_date": "1963-06-01", "contribution_days": 900, "ceased_activity_on": "2023-01-01"}  # P3, 2029-03-31
OWED_P2 = {"birth_date": "1958-01-10", "contribution_days": 3000, "ceased_activity_on": "2022-06-30"}  # 2027-06-30
# situation: (career, language, how many, invited?)
SITUATIONS = {
    "owed-fr": (OWED, "fr", 70, True),
    "owed-ar": (OWED, "ar", 70, True),
    "owed-p2": (OWED_P2, "fr", 20, True),
    "replied-stop": (OWED, "ar", 15, False),
    "opted-out-by-agent": (OWED, "fr", 10, False),
    "filed": (OWED, "fr", 3, False),
    "deceased": ({**OWED, "death_date": "2025-05-01"}, "fr", 20, False),
    "pension-rights": ({**OWED, "contribution_days": 1320}, "fr", 20, False),
    "no-phone": (OWED, None, 10, False),
}


class Person:
    def __init__(self, situation: str, career: dict, language: str | None) -> None:
        self.situation, self.career, self.language = situation, career, language
        self.number = f"{random.randrange(10**8, 10**9)}"
        self.phone = f"+2127{random.randrange(10**7, 10**8)}"


async def registry_holds(mongo, run_id: str, numbers: list[str], timeout_s: float = 60) -> None:
    registry = mongo[f"{run_id}_eligibility"]["insured"]
    deadline = time.monotonic() + timeout_s
    while await registry.count_documents({"_id": {"$in": numbers}}) < len(numbers):
        assert time.monotonic() < deadline, "the registry updates were not all applied"
        await asyncio.sleep(0.5)


async def until(check, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, f"not within {timeout_s}s: {what}"
        await asyncio.sleep(0.5)


def run_campaign(stack, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.eligibility", "campaign", "--today", TODAY],
        env={**stack.env, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def incoming_sms_reaches(stack) -> None:
    """Kannel hands the SMS people send to this stack's notifications service (deploy/local/test.sh sets it)."""
    conf = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run")) / "kannel" / "kannel.conf"
    wanted = f"http://127.0.0.1:{port_of('notifications')}/incoming-sms?"
    if wanted not in conf.read_text():
        pytest.fail(f"Kannel's incoming SMS do not go to {wanted}: start the servers with deploy/local/test.sh")


async def test_a_campaign_invites_exactly_who_is_owed_a_refund_once_across_runs_a_crash_and_a_restart(
    stack, producer, mongo, run_id, tmp_path
):
    incoming_sms_reaches(stack)
    people = [
        Person(situation, career, language)
        for situation, (career, language, count, _) in SITUATIONS.items()
        for _ in range(count)
    ]
    for person in people:
        contact = person.language and InsuredContact(phone=person.phone, language=person.language)
        event = record_update(person.number, person.career, contact)
        await producer.send(Topic.INSURED_RECORD_UPDATED, event.model_dump_json().encode(), key=person.number.encode())
    await producer.flush()
    ENROLLED.extend(person.number for person in people)  # tests/e2e/test_logs.py: never in a log in clear
    await registry_holds(mongo, run_id, [person.number for person in people])

    # Some reply STOP to an earlier message (written as the network may: national or international form)...
    stopping = [p for p in people if p.situation == "replied-stop"]
    replies = {
        f"phone:{p.phone}": (p.phone if i % 2 else "0" + p.phone[4:], "STOP" if i % 3 else "stop")
        for i, p in enumerate(stopping)
    }
    opt_outs = mongo[f"{run_id}_notifications"]["opt_outs"]

    async def replies_recorded() -> bool:
        recorded = {document["_id"] async for document in opt_outs.find({"_id": {"$in": list(replies)}})}
        for key in set(replies) - recorded:  # sent again while not recorded: a STOP twice is a STOP
            await asyncio.to_thread(sms_from_phone, *replies[key])
        return recorded == set(replies)

    await until(replies_recorded, "every STOP reply recorded")
    # ... an agent opts others out at an agency ...
    with client_for(stack.url("notifications"), "900000007", agent=True) as agent:
        for person in (p for p in people if p.situation == "opted-out-by-agent"):
            assert agent.post("/opt-outs", json={"registration_number": person.number}).status_code == 201
    # ... and some file a claim of their own.
    filings = mongo[f"{run_id}_eligibility"]["filings"]
    filers = [p for p in people if p.situation == "filed"]
    for person in filers:
        with client_for(stack.url("claims"), person.number) as api:
            await asyncio.to_thread(submit_claim, api, insured_form(person.number))
    await until(lambda: _counted(filings, [p.number for p in filers]), "the eligibility service knows who filed")

    invited = [p for p in people if SITUATIONS[p.situation][3]]
    marker = tmp_path / "crash"
    marker.touch()
    dying = await asyncio.to_thread(
        run_campaign, stack, ELIGIBILITY_CAMPAIGN_BATCH_SIZE="50", TAAWIDATY_CRASH_CAMPAIGN_BEFORE_REMEMBER=str(marker)
    )
    assert dying.returncode == CRASH_EXIT_CODE and not marker.exists(), dying.stdout + dying.stderr
    await asyncio.to_thread(stack.stop, "notifications")
    await asyncio.to_thread(stack.start, "notifications")
    second = await asyncio.to_thread(run_campaign, stack, ELIGIBILITY_CAMPAIGN_BATCH_SIZE="50")
    assert second.returncode == 0, second.stdout + second.stderr
    third = await asyncio.to_thread(run_campaign, stack)
    assert third.returncode == 0 and "invited 0 of" in third.stdout, third.stdout + third.stderr

    ours = {person.phone.lstrip("+"): person for person in people}

    async def all_arrived() -> bool:
        return {m.receiver for m in smsc_messages() if m.receiver in ours} >= {p.phone.lstrip("+") for p in invited}

    await until(all_arrived, "every invitation at the SMSC")
    await asyncio.sleep(5)  # a duplicate would come right behind
    parts: dict[str, list[str]] = {}
    for message in smsc_messages():
        if message.receiver in ours:
            parts.setdefault(message.receiver, []).append(message.text)
    assert set(parts) == {p.phone.lstrip("+") for p in invited}, Counter(ours[phone].situation for phone in parts)
    portal = NotificationsSettings().portal_url
    for person in invited:
        deadline = date(2027, 6, 30) if person.situation == "owed-p2" else date(2029, 3, 31)
        text = messages.invitation(person.language, deadline, portal)
        assert parts[person.phone.lstrip("+")] and "".join(parts[person.phone.lstrip("+")]) == text  # once, whole
    dry = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.eligibility", "campaign", "--dry-run", "--today", "2027-01-01"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "6m P2 20" in dry.stdout.splitlines(), dry.stdout  # their 6 months milestone, not yet sent


async def _counted(collection, ids: list[str]) -> bool:
    return await collection.count_documents({"_id": {"$in": ids}}) == len(ids)


def test_kannel_hands_incoming_sms_to_the_notifications_service_with_its_token(stack):
    incoming_sms_reaches(stack)
    refused = httpx.get(
        f"{stack.url('notifications')}/incoming-sms", params={"from": "+212612345678", "text": "STOP", "token": "x"}
    )
    assert refused.status_code == 403


DEADLINE_SOON = {"birth_date": "1961-12-15", "contribution_days": 900, "ceased_activity_on": "2021-06-30"}  # 2026-12-15


async def test_a_claim_left_as_a_draft_or_returned_gets_one_reminder_before_its_deadline_and_no_invitation(
    stack, producer, mongo, run_id
):
    registry = mongo[f"{run_id}_eligibility"]["insured"]
    people = {}
    for situation in ("draft", "returned", "submitted"):
        contact = InsuredContact(phone=f"+2127{random.randrange(10**7, 10**8)}", language="fr")
        number = await enrol_insured(producer, registry, DEADLINE_SOON, contact)
        people[situation] = (number, contact.phone)
    claims = {}
    for situation, (number, _) in people.items():
        with client_for(stack.url("claims"), number) as api:
            if situation == "draft":
                claims[situation] = api.post("/claims", json=insured_form(number)).raise_for_status().json()
            elif situation == "returned":  # the bank details missing
                claims[situation] = submit_claim(api, insured_form(number), documents=INSURED_DOCUMENTS[:1])
                await wait_for_status(api, claims[situation]["claim_id"], "documents_incomplete")
            else:
                claims[situation] = submit_claim(api, insured_form(number))
    unfinished = mongo[f"{run_id}_eligibility"]["unfinished"]

    async def eligibility_knows() -> bool:
        found = {doc["_id"]: doc async for doc in unfinished.find({"_id": {"$in": [n for n, _ in people.values()]}})}
        return (
            found.get(people["draft"][0], {}).get("unfinished_since") is not None
            and found.get(people["returned"][0], {}).get("submitted_at") is not None
            and found.get(people["returned"][0], {}).get("unfinished_since") is not None
            and found.get(people["submitted"][0], {}).get("submitted_at") is not None
        )

    await until(eligibility_knows, "the eligibility service follows drafts, returns and submissions")
    for _ in range(2):
        run = await asyncio.to_thread(run_campaign, stack)
        assert run.returncode == 0, run.stdout + run.stderr
    form_phones = {situation: phone_of(number).lstrip("+") for situation, (number, _) in people.items()}
    registry_phones = {phone.lstrip("+") for _, phone in people.values()}

    async def reminded() -> bool:
        return {"draft", "returned"} <= {
            s for s, p in form_phones.items() if p in {m.receiver for m in smsc_messages()}
        }

    await until(reminded, "both reminders at the SMSC")
    await asyncio.sleep(5)
    texts: dict[str, list[str]] = {}
    for message in smsc_messages():
        texts.setdefault(message.receiver, []).append(message.text)
    portal = NotificationsSettings().portal_url
    for situation in ("draft", "returned"):  # the returned one's phone also got the missing-documents SMS
        expected = messages.reminder("fr", claims[situation]["reference"], date(2026, 12, 15), portal)
        assert "".join(texts[form_phones[situation]]).count(expected) == 1, texts[form_phones[situation]]
    assert "n'est pas terminée" not in "".join(texts.get(form_phones["submitted"], []))
    assert not registry_phones & texts.keys()  # none invited: they filed or started a claim
