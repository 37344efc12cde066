"""A claim through the five services and the real servers: MinIO, MongoDB, Kafka and the SMS gateway."""

import io
import subprocess

import pytest
from minio import Minio
from pypdf import PdfReader

from tests.e2e.flow import submit_sample_claim, wait_for_status
from tests.e2e.samples import INSURED_FORM, smsc_messages

pytestmark = pytest.mark.e2e


async def test_a_submitted_claim_flows_to_its_sms_with_every_effect_stored(api, stack, minio: Minio, mongo, run_id):
    created = submit_sample_claim(api)
    claim_id, reference = created["claim_id"], created["reference"]

    claim = await wait_for_status(api, claim_id, "sms_queued")

    statuses = [entry["status"] for entry in claim["timeline"]]
    assert statuses[0] == "submitted"
    assert statuses[1] == "documents_verified"
    assert statuses[2] in ("decided", "selected_for_inspection")
    assert statuses[3] == "receipt_issued"
    stored = {o.object_name for o in minio.list_objects("documents", prefix=f"{claim_id}/", recursive=True)}
    assert {name.rsplit(".", 1)[1] for name in stored} == {"pdf", "png"}
    assert not any("rib" in name or ".." in name for name in stored)

    decision = await mongo[f"{run_id}_eligibility"]["decisions"].find_one({"claim_id": claim_id})
    assert decision["outcome"] == "eligible"
    assert decision["decision"]["period"] == "P4"
    timeline = (await mongo[f"{run_id}_claims"]["claims"].find_one({"_id": claim_id}))["timeline"]
    assert {entry["status"] for entry in timeline.values()} >= {"submitted", "documents_verified", "receipt_issued"}

    receipt_key = next(e for e in claim["timeline"] if e["status"] == "receipt_issued")["detail"]["object_key"]
    pdf = minio.get_object("receipts", receipt_key).read()
    assert PdfReader(io.BytesIO(pdf)).pages
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert reference in text

    received = [message for message in smsc_messages() if reference in message.text]
    assert len(received) == 1, received
    assert received[0].receiver == "212612345678"


async def test_a_delivery_report_from_the_gateway_reaches_the_timeline(api, stack):
    claim_id = submit_sample_claim(api)["claim_id"]
    claim = await wait_for_status(api, claim_id, "sms_sent")
    assert [e for e in claim["timeline"] if e["status"] == "sms_sent"][0]["detail"]["kind"] in (
        "acceptance", "inspection")


def test_a_claim_with_a_missing_field_is_refused_naming_the_field(api, stack):
    form = {key: value for key, value in INSURED_FORM.items() if key != "applicant_name"}
    response = api.post("/claims", json=form)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "applicant_name"]]


@pytest.mark.parametrize("number", ["12345678", "1234567890", "12345678A"])
def test_a_malformed_registration_number_is_refused_naming_the_field(api, stack, number):
    response = api.post("/claims", json={**INSURED_FORM, "registration_number": number})
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "registration_number"]]


def test_a_landline_phone_is_refused_naming_the_field(api, stack):
    response = api.post("/claims", json={**INSURED_FORM, "phone": "0522123456"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "phone"]


def test_the_services_logs_hold_no_personal_data_in_clear(stack):
    """Runs last in this module, so the logs hold every claim the e2e tests pushed."""
    logs = "\n".join(path.read_text(errors="replace") for path in stack.logs.glob("*.log"))
    assert "Application startup complete" in logs
    for personal in (INSURED_FORM["registration_number"], "612345678", INSURED_FORM["applicant_name"]):
        assert personal not in logs
