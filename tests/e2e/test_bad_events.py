"""Malformed events on the topics are parked in dead letters with a reason; the consumers go on."""

import base64
import io
import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from contracts import ClaimForm, DeadLetter, DocumentRef, SubmitClaim, Topic
from tests.e2e.consumer_groups import consumers_of
from tests.e2e.flow import insured_form, submit_claim, wait_for_status
from tests.e2e.samples import pdf_scan, png_scan

pytestmark = pytest.mark.e2e

BAD_PAYLOADS = [
    b"not json at all",
    b'{"type": "claim.submitted"}',
    b"\xff\xfe\x00garbage",
    b"[]",
    json.dumps({"claim_id": "x", "type": "claim.submitted", "claim": {"reference": 7}}).encode(),
]


async def dead_letters(servers, topic: str, count: int, marker: bytes) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=servers["KAFKA_BOOTSTRAP_SERVERS"], auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found: list[DeadLetter] = []
    try:
        while len(found) < count:
            batch = await consumer.getmany(timeout_ms=30_000)
            assert batch, f"only {len(found)} of {count} dead letters arrived on {topic}"
            for records in batch.values():
                for record in records:
                    letter = DeadLetter.model_validate_json(record.value)
                    if record.key == marker:
                        found.append(letter)
    finally:
        await consumer.stop()
    return found


async def test_malformed_events_land_in_dead_letters_and_the_next_claim_still_flows(api, insured, servers, producer):
    marker = f"bad-{uuid.uuid4()}".encode()
    for payload in BAD_PAYLOADS:
        for topic in (Topic.CLAIM_SUBMITTED, Topic.CLAIM_INTAKE, Topic.CLAIM_DECIDED):
            await producer.send_and_wait(topic, payload, key=marker)

    # Three consumer groups read claims.submitted: documents, the claims service's timeline, eligibility's filings.
    readers = consumers_of(Topic.CLAIM_SUBMITTED)
    assert readers == {"documents", "claims", "eligibility"}
    letters = await dead_letters(servers, Topic.CLAIM_SUBMITTED.dead_letters, 3 * len(BAD_PAYLOADS), marker)
    assert {(letter.consumer, letter.original_value_b64) for letter in letters} == {
        (consumer, base64.b64encode(p).decode()) for p in BAD_PAYLOADS for consumer in readers
    }
    assert all(letter.reason for letter in letters)
    assert any("claim.reference" in letter.reason for letter in letters)
    intake_letters = await dead_letters(servers, Topic.CLAIM_INTAKE.dead_letters, len(BAD_PAYLOADS), marker)
    assert {letter.consumer for letter in intake_letters} == {"claims"}

    claim_id = submit_claim(api, insured_form(insured))["claim_id"]
    await wait_for_status(api, claim_id, "sms_delivered")


async def test_a_claim_a_portal_publishes_on_the_intake_topic_flows_like_one_from_the_api(
    api, insured, producer, minio
):
    claim_id = str(uuid.uuid4())
    documents = []
    for doc_type, data in (("identity_card", pdf_scan()), ("bank_details", png_scan())):
        document_id = str(uuid.uuid4())
        key = f"{claim_id}/{document_id}"
        minio.put_object("quarantine", key, io.BytesIO(data), len(data))
        documents.append(
            DocumentRef(document_id=document_id, doc_type=doc_type, bucket="quarantine", object_key=key, size=len(data))
        )
    command = SubmitClaim(
        claim_id=claim_id,
        correlation_id=str(uuid.uuid4()),
        producer="portal-test",
        submitted_by=insured,
        form=ClaimForm.model_validate(insured_form(insured)),
        documents=tuple(documents),
    )
    for _ in range(2):  # a portal retrying must not make two claims
        await producer.send_and_wait(Topic.CLAIM_INTAKE, command.model_dump_json().encode(), key=claim_id.encode())

    claim = await wait_for_status(api, claim_id, "sms_delivered")
    assert [entry["status"] for entry in claim["timeline"]].count("submitted") == 1
