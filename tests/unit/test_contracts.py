import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts import ClaimSubmitted, Topic
from services.asyncapi import DOCUMENT, generate
from tests.samples import sample_claim

CLAIM = sample_claim()


def test_an_event_gets_an_id_and_a_time_of_its_own():
    first = ClaimSubmitted(claim_id="c1", correlation_id="k", producer="claims", claim=CLAIM)
    second = ClaimSubmitted(claim_id="c1", correlation_id="k", producer="claims", claim=CLAIM)
    assert first.event_id != second.event_id
    assert first.occurred_at.tzinfo is not None
    assert (first.type, first.version) == ("claim.submitted", 1)


def test_consumers_ignore_fields_added_by_a_newer_producer():
    event = ClaimSubmitted(claim_id="c1", correlation_id="k", producer="claims", claim=CLAIM)
    newer = json.loads(event.model_dump_json()) | {"added_later": 1}
    assert ClaimSubmitted.model_validate(newer) == event


def test_events_are_immutable():
    event = ClaimSubmitted(claim_id="c1", correlation_id="k", producer="claims", claim=CLAIM)
    with pytest.raises(ValidationError):
        event.claim_id = "c2"


def test_an_event_of_another_type_is_not_taken_for_this_one():
    event = json.loads(ClaimSubmitted(claim_id="c1", correlation_id="k", producer="p", claim=CLAIM).model_dump_json())
    with pytest.raises(ValidationError, match="type"):
        ClaimSubmitted.model_validate(event | {"type": "claim.decided"})


def test_every_topic_has_its_dead_letter_topic():
    assert Topic.CLAIM_SUBMITTED.dead_letters == "claims.submitted.v1.dlq"


def test_the_committed_asyncapi_document_is_up_to_date():
    assert Path(DOCUMENT).read_text() == generate(), "run: python -m services.asyncapi"
