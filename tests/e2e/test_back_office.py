"""The agents' back office through the claims API, on the real stack: queues, the claim file and its documents,
inspection outcomes, manual-review decisions with four eyes, refusals and their SMS, replays, the audit trail."""

import asyncio
import re
import time

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from contracts import Topic
from tests.e2e.flow import (
    INSURED_DOCUMENTS,
    LATE_CAREER,
    LATE_RICH_CAREER,
    client_for,
    enrol_insured,
    insured_form,
    submit_claim,
    wait_for_sms,
    wait_for_status,
)
from tests.e2e.samples import pdf_scan, smsc_messages


@pytest.fixture
def first_agent(stack):
    with client_for(stack.url("claims"), "agent-anfa", agent=True, agency="CASA-ANFA") as client:
        yield client


@pytest.fixture
def second_agent(stack):
    with client_for(stack.url("claims"), "agent-agdal", agent=True, agency="RABAT-AGDAL") as client:
        yield client


async def late_claim(stack, producer, mongo, run_id, career, **fields):
    """A force-majeure claim filed after its deadline, once it is in manual review: (claimant API, created)."""
    insured = await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], career)
    api = client_for(stack.url("claims"), insured)
    created = submit_claim(
        api,
        insured_form(insured, force_majeure=True, ceased_activity_on=None, **fields),
        documents=(*INSURED_DOCUMENTS, ("force_majeure_proof", pdf_scan())),
    )
    await status_becomes(api, created["claim_id"], "manual_review", timeout_s=90)
    return api, created


async def status_becomes(api, claim_id: str, status: str, timeout_s: float = 60) -> dict:
    for _ in range(int(timeout_s / 0.3)):
        claim = api.get(f"/claims/{claim_id}").raise_for_status().json()
        if claim["status"] == status:
            return claim
        await asyncio.sleep(0.3)
    raise AssertionError(f"claim {claim_id} never {status}: {claim['status']}")


def decided_by_agents(claim: dict) -> list[dict]:
    return [entry for entry in claim["timeline"] if entry["status"] in ("review_refused", "refused")]


def sms_texts(reference: str) -> list[str]:
    return [message.text for message in smsc_messages() if reference in message.text]


async def published_for(bootstrap: str, topic: str, claim_id: str, timeout_s: float = 30) -> bytes:
    """The bytes of the event published on `topic` for the claim (the outbox keeps nothing once it is sent)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    if record.key == claim_id.encode():
                        return record.value
        raise AssertionError(f"nothing published on {topic} for {claim_id}")
    finally:
        await consumer.stop()


async def test_a_force_majeure_claim_is_accepted_by_one_agent_approved_by_a_second_then_inspected(
    stack, producer, mongo, run_id, first_agent, second_agent
):
    api, created = await late_claim(stack, producer, mongo, run_id, LATE_RICH_CAREER, agency="RABAT-AGDAL")
    claim_id = created["claim_id"]

    queue = first_agent.get("/agent/queues/manual_review", params={"page": 1}).raise_for_status().json()
    pages = [queue] + [
        first_agent.get("/agent/queues/manual_review", params={"page": page}).json()
        for page in range(2, queue["pages"] + 1)
    ]
    line = next(c for page in pages for c in page["claims"] if c["claim_id"] == claim_id)
    assert (line["reasons"], line["amount"], line["agency"]) == (["FORCE_MAJEURE_REVIEW"], "60000.00", "RABAT-AGDAL")
    since = [c["since"] for page in pages for c in page["claims"]]
    assert since == sorted(since), "oldest first"

    file = first_agent.get(f"/claims/{claim_id}/file").raise_for_status().json()
    assert file["actions"] == ["accept", "refuse"] and file["blocked"] is None
    assert file["decision"]["breakdown"] and file["inspection"]["selected"]
    reasons = file["inspection"]["reasons"]  # force majeure always; the 5 % random draw may add itself
    assert reasons[0] == "FORCE_MAJEURE" and all(reason.startswith("RANDOM(") for reason in reasons[1:])
    assert {d["verified"] for d in file["documents"]} == {True}

    accepted = first_agent.post(f"/claims/{claim_id}/review", json={"outcome": "accept"})
    assert accepted.status_code == 202 and accepted.json()["needs_approval"] is True
    again = first_agent.post(f"/claims/{claim_id}/review", json={"outcome": "accept"})
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    await status_becomes(api, claim_id, "awaiting_approval")

    own = first_agent.post(f"/claims/{claim_id}/review/approval", json={})
    assert own.status_code == 409 and own.json()["code"] == "own_decision"
    assert first_agent.get(f"/claims/{claim_id}/file").json()["blocked"] == "own_decision"
    assert second_agent.get(f"/claims/{claim_id}/file").json()["actions"] == ["approve"]
    assert second_agent.post(f"/claims/{claim_id}/review/approval", json={}).status_code == 202
    assert second_agent.post(f"/claims/{claim_id}/review/approval", json={}).status_code == 409

    # force majeure is always inspected: the acceptance waits for the agency's inspection
    await status_becomes(api, claim_id, "under_inspection")
    inspection_queue = second_agent.get("/agent/queues/inspection", params={"agency": "RABAT-AGDAL"}).json()
    assert claim_id in [c["claim_id"] for c in inspection_queue["claims"]]
    elsewhere = second_agent.get("/agent/queues/inspection", params={"agency": "CASA-ANFA"}).json()
    assert claim_id not in [c["claim_id"] for c in elsewhere["claims"]]
    assert second_agent.post(f"/claims/{claim_id}/inspection", json={"passed": True}).status_code == 202

    claim = await status_becomes(api, claim_id, "accepted")
    steps = ("review_accepted", "review_approved", "inspection_passed", "accepted")
    assert [entry["status"] for entry in claim["timeline"] if entry["status"] in steps] == list(steps)
    agents = {e["status"]: e["detail"]["agent_id"] for e in claim["timeline"] if "agent_id" in e["detail"]}
    assert agents["review_accepted"] == "agent-anfa" and agents["review_approved"] == "agent-agdal"
    await wait_for_sms(api, claim_id, "acceptance")
    await asyncio.sleep(2)
    assert len([text for text in sms_texts(created["reference"]) if "acceptée" in text]) == 1

    trail = first_agent.get("/agent/audit", params={"claim_id": claim_id}).raise_for_status().json()
    actions = [(entry["agent_id"], entry["action"]) for entry in reversed(trail["entries"])]
    assert ("agent-anfa", "claim_viewed") in actions
    assert [a for a in actions if a[1] != "claim_viewed"] == [
        ("agent-anfa", "review_decided"),
        ("agent-agdal", "review_approved"),
        ("agent-agdal", "inspection_recorded"),
    ]
    by_agent = first_agent.get("/agent/audit", params={"agent_id": "agent-agdal"}).json()
    assert {entry["claim_id"] for entry in by_agent["entries"]} >= {claim_id}


async def test_a_refusal_by_an_agent_sends_one_refusal_sms_and_a_replayed_decision_changes_nothing(
    stack, producer, mongo, run_id, first_agent
):
    api, created = await late_claim(stack, producer, mongo, run_id, LATE_CAREER)
    claim_id = created["claim_id"]
    unexplained = first_agent.post(
        f"/claims/{claim_id}/review", json={"outcome": "refuse", "reasons": ["FORCE_MAJEURE_REVIEW"]}
    )
    assert unexplained.status_code == 422
    refused = first_agent.post(
        f"/claims/{claim_id}/review",
        json={
            "outcome": "refuse",
            "reasons": ["FORCE_MAJEURE_REVIEW"],
            "justification": "Le certificat d'hospitalisation ne couvre pas la période du retard.",
        },
    )
    assert refused.status_code == 202

    claim = await wait_for_sms(api, claim_id, "refusal")
    assert claim["status"] == "refused"
    refusal = next(e for e in claim["timeline"] if e["status"] == "refused")
    assert refusal["detail"]["reasons"] == ["FORCE_MAJEURE_REVIEW"] and refusal["detail"]["agent_id"] == "agent-anfa"
    assert len([t for t in sms_texts(created["reference"]) if "refusée" in t and "force majeure" in t]) == 1

    # the decision event replayed (as a consumer restarting from an old offset would read it): nothing changes
    published = await published_for(stack.env["KAFKA_BOOTSTRAP_SERVERS"], Topic.REVIEWS, claim_id)
    decisions = mongo[f"{run_id}_eligibility"]["decisions"]
    before = await decisions.find_one({"claim_id": claim_id}, {"outbox": 0})
    for _ in range(2):
        await producer.send_and_wait(Topic.REVIEWS, published, key=claim_id.encode())
    await asyncio.sleep(6)
    assert await decisions.find_one({"claim_id": claim_id}, {"outbox": 0}) == before
    after = api.get(f"/claims/{claim_id}").json()
    assert after["status"] == "refused" and decided_by_agents(after) == decided_by_agents(claim)
    assert len([t for t in sms_texts(created["reference"]) if "refusée" in t]) == 1


async def test_a_failed_inspection_needs_a_reason_and_refuses_the_claim_with_one_sms(
    stack, producer, mongo, run_id, first_agent
):
    api, created = await late_claim(stack, producer, mongo, run_id, LATE_CAREER)
    claim_id = created["claim_id"]
    assert first_agent.post(f"/claims/{claim_id}/inspection", json={"passed": True}).status_code == 409
    assert first_agent.post(f"/claims/{claim_id}/review", json={"outcome": "accept"}).json()["needs_approval"] is False
    await status_becomes(api, claim_id, "under_inspection")
    assert first_agent.post(f"/claims/{claim_id}/inspection", json={"passed": False}).status_code == 422
    failed = first_agent.post(
        f"/claims/{claim_id}/inspection",
        json={"passed": False, "reason": "IDENTITY_NOT_CONFIRMED", "notes": "CNIE présentée expirée"},
    )
    assert failed.status_code == 202

    claim = await wait_for_sms(api, claim_id, "refusal")
    assert claim["status"] == "refused"
    texts = [t for t in sms_texts(created["reference"]) if "refusée" in t]
    assert len(texts) == 1 and "identité non confirmée" in texts[0]


async def test_an_agent_opens_a_claims_documents_as_data_never_as_a_page(api, insured, first_agent):
    created = submit_claim(api, insured_form(insured))
    await wait_for_status(api, created["claim_id"], "documents_verified")
    file = first_agent.get(f"/claims/{created['claim_id']}/file").raise_for_status().json()
    by_type = {document["doc_type"]: document for document in file["documents"]}
    scan = first_agent.get(f"/claims/{created['claim_id']}/documents/{by_type['bank_details']['document_id']}")
    assert scan.status_code == 200 and scan.content.startswith(b"\x89PNG")
    assert scan.headers["content-type"] == "image/png"
    assert scan.headers["x-content-type-options"] == "nosniff"
    assert scan.headers["content-security-policy"].startswith("sandbox")
    pdf = first_agent.get(f"/claims/{created['claim_id']}/documents/{by_type['identity_card']['document_id']}")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    trail = first_agent.get("/agent/audit", params={"claim_id": created["claim_id"]}).json()
    assert [entry["action"] for entry in trail["entries"]][:3] == ["document_viewed", "document_viewed", "claim_viewed"]
    assert trail["entries"][0]["detail"]["doc_type"] == "identity_card"


async def test_a_claimants_token_reaches_no_agent_endpoint(api, insured):
    created = submit_claim(api, insured_form(insured))
    claim_id = created["claim_id"]
    claim = await wait_for_status(api, claim_id, "documents_verified")
    document_id = claim["documents"][0]["document_id"]
    calls = [
        ("GET", "/agent/queues", None),
        ("GET", "/agent/queues/inspection", None),
        ("GET", f"/claims/{claim_id}/file", None),
        ("GET", f"/claims/{claim_id}/documents/{document_id}", None),
        ("POST", f"/claims/{claim_id}/inspection", {"passed": True}),
        ("POST", f"/claims/{claim_id}/review", {"outcome": "accept"}),
        ("POST", f"/claims/{claim_id}/review/approval", {}),
        ("GET", f"/agent/audit?claim_id={claim_id}", None),
    ]
    for method, path, body in calls:
        assert api.request(method, path, json=body).status_code == 403, path


async def test_a_claim_the_rules_could_not_judge_can_only_be_refused(stack, first_agent):
    with client_for(stack.url("claims"), "987654320") as api:
        created = submit_claim(api, insured_form("987654320"))
        await status_becomes(api, created["claim_id"], "manual_review")
    file = first_agent.get(f"/claims/{created['claim_id']}/file").json()
    assert (file["actions"], file["blocked"]) == (["refuse"], "no_amount")
    accepted = first_agent.post(f"/claims/{created['claim_id']}/review", json={"outcome": "accept"})
    assert accepted.status_code == 409 and accepted.json()["code"] == "no_amount"


def test_queues_give_their_counts(first_agent):
    queues = first_agent.get("/agent/queues").raise_for_status().json()
    assert [q["queue"] for q in queues["queues"]] == ["inspection", "manual_review", "approval", "returned"]
    assert all(isinstance(q["count"], int) for q in queues["queues"]) and queues["returned_after_days"] == 15


async def test_a_claim_past_its_decision_deadline_shows_in_the_metric_and_first_in_its_queue(
    stack, producer, mongo, run_id, first_agent
):
    """The claims service restarted with a deadline of 0 days: every claim it takes is at once past it."""
    stack.stop("claims")
    stack.start("claims", extra_env={"CLAIMS_DECISION_DAYS": "0", "CLAIMS_DEADLINE_METRIC_INTERVAL_S": "1"})
    try:
        _, created = await late_claim(stack, producer, mongo, run_id, LATE_CAREER)
        queue = first_agent.get("/agent/queues/manual_review").raise_for_status().json()
        line = next(c for c in queue["claims"] if c["claim_id"] == created["claim_id"])
        assert line["decision_clock"] == "past" and queue["claims"][0]["decision_clock"] == "past"
        file = first_agent.get(f"/claims/{created['claim_id']}/file").raise_for_status().json()
        assert file["decision_clock"] == "past" and file["decision_due_at"] <= file["since"]

        def past_deadline() -> float:
            metrics = httpx.get(f"{stack.url('claims')}/metrics").text
            found = re.search(
                r'^taawidaty_claims_past_decision_deadline\{status="manual_review"\} (\S+)$', metrics, re.M
            )
            return float(found.group(1)) if found else 0.0

        deadline = time.monotonic() + 20
        while past_deadline() < 1:
            assert time.monotonic() < deadline, "the metric never counted the claim past its deadline"
            await asyncio.sleep(0.5)
    finally:
        stack.stop("claims")
        stack.start("claims")
