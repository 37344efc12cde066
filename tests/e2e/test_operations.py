"""What operators rely on: dead letters they can replay, metrics, health."""

import base64
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from contracts import ClaimForm, DeadLetter, SubmitClaim, Topic
from tests.conftest import ROOT
from tests.e2e.flow import insured_form, submit_claim, wait_for_sms, wait_for_status
from tests.e2e.kafka_reading import events_of
from tests.e2e.stack import SERVICES

pytestmark = pytest.mark.e2e


async def test_a_dead_letter_replayed_by_the_operator_command_is_handled(api, insured, stack, producer):
    claim_id = str(uuid.uuid4())
    command = SubmitClaim(
        claim_id=claim_id,
        correlation_id="replay-test",
        producer="portal",
        submitted_by=insured,
        form=ClaimForm.model_validate(insured_form(insured)),
    )
    letter = DeadLetter(
        source_topic=Topic.CLAIM_INTAKE,
        partition=0,
        offset=0,
        consumer="claims",
        reason="MongoDB was unreachable",
        failed_at=datetime.now(UTC),
        attempts=8,
        original_value_b64=base64.b64encode(command.model_dump_json().encode()).decode(),
    )
    sent = await producer.send_and_wait(
        Topic.CLAIM_INTAKE.dead_letters, letter.model_dump_json().encode(), key=claim_id.encode()
    )
    reference = f"{sent.topic}:{sent.partition}:{sent.offset}"

    listed = subprocess.run(
        [sys.executable, "-m", "services.dead_letters", "list", "--topic", Topic.CLAIM_INTAKE],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{reference}  from claims.intake.v1[0]@0  consumer=claims" in listed
    assert "MongoDB was unreachable" in listed
    subprocess.run(
        [sys.executable, "-m", "services.dead_letters", "replay", reference],
        env=stack.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    claim = await wait_for_status(api, claim_id, "documents_incomplete")
    assert claim["timeline"][0]["status"] == "submitted"


def test_replaying_a_dead_letter_that_does_not_exist_fails(stack):
    result = subprocess.run(
        [sys.executable, "-m", "services.dead_letters", "replay", "claims.intake.v1.dlq:0:999999"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "not found" in result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_reports_health_and_metrics(stack, service):
    assert httpx.get(f"{stack.url(service)}/health/live").json() == {"status": "alive"}
    assert httpx.get(f"{stack.url(service)}/health/ready").json()["status"] == "ready"
    metrics = httpx.get(f"{stack.url(service)}/metrics").text
    assert "taawidaty_dead_letters_total" in metrics or "taawidaty_consumer_lag" in metrics
    assert "taawidaty_received_messages_total" in metrics


async def test_a_service_killed_between_its_write_and_its_publish_publishes_the_event_exactly_once(
    api, insured, stack, servers, tmp_path
):
    marker = tmp_path / "crash-before-publish"
    stack.restart_to_crash_at("eligibility", "BEFORE_PUBLISH", marker)
    try:
        created = submit_claim(api, insured_form(insured))
        await stack.crashed("eligibility", marker)
    finally:
        stack.stop("eligibility")
        stack.start("eligibility")
    await wait_for_sms(api, created["claim_id"])
    assert len(await events_of(servers, Topic.CLAIM_DECIDED, created["claim_id"])) == 1
