"""The documents service's `CheckRecords` port, the same suite on the in-memory fake and on the real server."""

import pytest

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.repository import CheckRecordsRepository
from tests.integration.port_suites import FAKE_AND_SERVER, port_and_outbox
from tests.unit.documents.fakes import MemoryCheckRecords
from tests.unit.documents.test_claim_checks import CLAIM

ENVELOPE = {"claim_id": "c-1", "correlation_id": "k", "producer": "documents", "claim": CLAIM}
NOTE = {"document_id": "d1", "outcome": "accepted", "antivirus": "clamd", "flags": ["pdf_javascript"]}


@pytest.fixture(params=FAKE_AND_SERVER)
async def port(request, run_id):
    async with port_and_outbox(request, run_id, MemoryCheckRecords, CheckRecordsRepository) as port_and_its_outbox:
        yield port_and_its_outbox


async def test_recorded_submissions_are_known_as_checked_and_each_verdict_goes_out_once(port):
    records, outbox = port
    verified = DocumentsVerified(**ENVELOPE, documents=())
    incomplete = DocumentsIncomplete(**ENVELOPE, missing=("bank_details",))
    assert await records.checked_among(["e-1", "e-2"]) == set()
    await records.record_all([("e-1", verified, [NOTE]), ("e-2", incomplete, [])])
    assert await records.checked_among(["e-1", "e-2", "e-3"]) == {"e-1", "e-2"}
    await outbox.publish_pending("e-1", "e-2")
    await outbox.publish_pending("e-1", "e-2")
    assert [(topic, sent["event_id"], sent["type"]) for topic, sent in outbox.published] == [
        (Topic.DOCUMENTS_VERIFIED, verified.event_id, "documents.verified"),
        (Topic.DOCUMENTS_INCOMPLETE, incomplete.event_id, "documents.incomplete"),
    ]


async def test_a_second_record_of_the_same_event_changes_nothing_and_the_first_verdict_stands(port):
    records, outbox = port
    first = DocumentsIncomplete(**ENVELOPE, missing=("bank_details",))
    await records.record_all([("e-1", first, [NOTE])])
    await records.record_all([("e-1", DocumentsVerified(**ENVELOPE, documents=()), []), ("e-2", first, [])])
    assert await records.checked_among(["e-2"]) == {"e-2"}
    await outbox.publish_pending("e-1")
    assert [(topic, sent["event_id"], sent["missing"]) for topic, sent in outbox.published] == [
        (Topic.DOCUMENTS_INCOMPLETE, first.event_id, ["bank_details"])
    ]
