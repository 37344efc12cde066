"""Claims through the five services and the real servers: MinIO, MongoDB, Kafka and the SMS gateway."""

import io
import subprocess

import pytest
from minio import Minio
from pypdf import PdfReader

from tests.e2e.flow import (
    client_for,
    enrol_insured,
    insured_form,
    phone_of,
    submit_claim,
    wait_for_sms,
    wait_for_status,
)
from tests.e2e.samples import INSURED_FORM, pdf_scan, smsc_messages

pytestmark = pytest.mark.e2e

RICH_CAREER = {  # revalued amount above the inspection rule's 100,000 MAD limit
    "birth_date": "1964-02-03",
    "contribution_days": 1000,
    "ceased_activity_on": "2025-06-30",
    "contributions": [{"year": 2019, "salary_share": "40000.00", "employer_share": "80000.00"}],
}


async def test_a_submitted_claim_flows_to_its_sms_with_every_effect_stored(api, insured, minio: Minio, mongo, run_id):
    created = submit_claim(api, insured_form(insured))
    claim_id, reference = created["claim_id"], created["reference"]

    await wait_for_status(api, claim_id, "receipt_issued")
    claim = await wait_for_sms(api, claim_id)

    statuses = [entry["status"] for entry in claim["timeline"]]
    assert statuses[:2] == ["submitted", "documents_verified"]
    assert statuses[2] in ("decided", "selected_for_inspection")
    assert "receipt_issued" in statuses
    stored = {o.object_name for o in minio.list_objects("documents", prefix=f"{claim_id}/", recursive=True)}
    assert {name.rsplit(".", 1)[1] for name in stored} == {"pdf", "png"}

    decision = await mongo[f"{run_id}_eligibility"]["decisions"].find_one({"claim_id": claim_id})
    assert (decision["outcome"], decision["decision"]["period"]) == ("eligible", "P4")
    timeline = (await mongo[f"{run_id}_claims"]["claims"].find_one({"_id": claim_id}))["timeline"]
    assert {entry["status"] for entry in timeline.values()} >= {"submitted", "documents_verified", "receipt_issued"}

    receipt_key = next(e for e in claim["timeline"] if e["status"] == "receipt_issued")["detail"]["object_key"]
    pdf = minio.get_object("receipts", receipt_key).read()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert reference in text

    received = [message for message in smsc_messages() if reference in message.text]
    assert len(received) == 1, received
    assert received[0].receiver == phone_of(insured).lstrip("+")


async def test_a_delivery_report_from_the_gateway_reaches_the_timeline(api, insured):
    claim_id = submit_claim(api, insured_form(insured))["claim_id"]
    claim = await wait_for_status(api, claim_id, "sms_delivered")
    kinds = {e["detail"]["kind"] for e in claim["timeline"] if e["status"] in ("sms_sent", "sms_delivered")}
    assert kinds <= {"acceptance", "inspection"} and kinds


async def test_a_claim_selected_for_inspection_is_accepted_only_once_an_agent_records_a_pass(
    stack, producer, mongo, run_id, agent_api
):
    insured = await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], RICH_CAREER)
    with client_for(stack.url("claims"), insured) as api:
        created = submit_claim(api, insured_form(insured))
        claim = await wait_for_sms(api, created["claim_id"], "inspection")
        decided = next(e for e in claim["timeline"] if e["status"] == "selected_for_inspection")
        assert "AMOUNT_ABOVE_LIMIT" in decided["detail"]["inspection_reasons"]
        assert "accepted" not in [e["status"] for e in claim["timeline"]]
        assert [m for m in smsc_messages() if created["reference"] in m.text][0].text.count("contrôle physique") == 1

        assert api.post(f"/claims/{created['claim_id']}/inspection", json={"passed": True}).status_code == 403
        assert agent_api.post(f"/claims/{created['claim_id']}/inspection", json={"passed": True}).status_code == 202

        claim = await wait_for_status(api, created["claim_id"], "accepted")
        assert claim["status"] == "accepted"
        await wait_for_sms(api, created["claim_id"], "acceptance")
        texts = [m.text for m in smsc_messages() if created["reference"] in m.text]
        assert len(texts) == 2 and "acceptée" in texts[1]


async def test_a_claim_with_a_missing_document_goes_back_to_the_claimant_with_the_list(api, insured):
    created = submit_claim(api, insured_form(insured), documents=[("identity_card", pdf_scan())])
    claim = await wait_for_status(api, created["claim_id"], "documents_incomplete")
    entry = next(e for e in claim["timeline"] if e["status"] == "documents_incomplete")
    assert entry["detail"]["missing"] == [
        {"doc_type": "bank_details", "fr": "RIB ou chèque barré", "ar": "شهادة التعريف البنكي أو شيك مسطر"}
    ]
    assert claim["status"] == "returned"
    await wait_for_sms(api, created["claim_id"], "missing_documents")
    texts = [m.text for m in smsc_messages() if created["reference"] in m.text]
    assert len(texts) == 1 and "RIB ou chèque barré" in texts[0]


async def test_a_claim_for_an_insured_the_registry_does_not_know_goes_to_an_agent(stack):
    with client_for(stack.url("claims"), "987654321") as api:
        created = submit_claim(api, insured_form("987654321"))
        claim = await wait_for_status(api, created["claim_id"], "decided")
    decided = next(e for e in claim["timeline"] if e["status"] == "decided")["detail"]
    assert (decided["outcome"], decided["reasons"]) == ("manual_review", ["INSURED_UNKNOWN"])
    assert decided["explanations"][0]["fr"] and decided["explanations"][0]["ar"]


def test_a_claim_with_a_missing_field_is_refused_naming_the_field(api, insured):
    form = {key: value for key, value in insured_form(insured).items() if key != "applicant_name"}
    response = api.post("/claims", json=form)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "applicant_name"]]


@pytest.mark.parametrize("number", ["12345678", "1234567890", "12345678A"])
def test_a_malformed_registration_number_is_refused_naming_the_field(api, number):
    response = api.post("/claims", json={**INSURED_FORM, "registration_number": number})
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "registration_number"]]


def test_a_landline_phone_is_refused_naming_the_field(api, insured):
    response = api.post("/claims", json=insured_form(insured, phone="0522123456"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "phone"]
