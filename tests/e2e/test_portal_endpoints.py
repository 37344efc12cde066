"""What the portal asks the services as the signed-in person: their own claims, the eligibility check before
filing (from their own registry record), and the checklist of documents their situation needs."""

from datetime import datetime

import httpx
import pytest

from tests.e2e.flow import ELIGIBLE_CAREER, client_for, enrol_insured, insured_form
from tests.e2e.samples import png_scan

pytestmark = pytest.mark.e2e

STILL_WORKING = ELIGIBLE_CAREER | {"ceased_activity_on": None}


def test_the_list_of_claims_shows_only_the_callers_own(api, insured, stack):
    mine = api.post("/claims", json=insured_form(insured)).raise_for_status().json()
    with client_for(stack.url("claims"), "111222333") as other:
        assert other.post("/claims", json=insured_form("111222333")).status_code in (201, 409)
        assert mine["claim_id"] not in [claim["claim_id"] for claim in other.get("/claims").json()["claims"]]

    (listed,) = api.get("/claims").raise_for_status().json()["claims"]
    assert {key: listed[key] for key in ("claim_id", "reference", "status", "claimant_type")} == {
        "claim_id": mine["claim_id"],
        "reference": mine["reference"],
        "status": "draft",
        "claimant_type": "insured",
    }
    api.put(f"/claims/{mine['claim_id']}/documents/bank_details", content=png_scan()).raise_for_status()
    (again,) = api.get("/claims").json()["claims"]
    assert datetime.fromisoformat(again["updated_at"]) > datetime.fromisoformat(again["created_at"])


def test_the_list_of_claims_needs_a_token(stack):
    assert httpx.get(f"{stack.url('claims')}/claims").status_code == 401


async def test_the_estimate_answers_for_the_callers_own_record_with_each_condition_in_words(
    stack, producer, mongo, run_id
):
    number = await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], STILL_WORKING)
    with client_for(stack.url("eligibility"), number) as eligibility:
        as_registered = eligibility.post("/estimate", json={}).raise_for_status().json()
        what_if = eligibility.post("/estimate", json={"ceased_activity_on": "2025-12-31"}).json()
        someone_else = eligibility.post("/estimate", json={"registration_number": "123456789"})

    assert (as_registered["outcome"], as_registered["reasons"]) == ("ineligible", ["STILL_EMPLOYED"])
    assert [c["code"] for c in as_registered["conditions"] if not c["met"]] == ["STILL_EMPLOYED"]
    assert as_registered["registry"] == {
        "birth_date": "1965-04-10",
        "contribution_days": 900,
        "ceased_activity_on": None,
        "underground_mining_years": 0,
    }
    assert (what_if["outcome"], what_if["period"], what_if["deadline"]) == ("eligible", "P4", "2030-12-31")
    assert float(what_if["amount"]) > 2100 and [row["year"] for row in what_if["breakdown"]] == [2018]
    assert all(c["met"] and c["fr"] and c["ar"] for c in what_if["conditions"])
    assert someone_else.status_code == 403


def test_the_estimate_is_refused_without_a_token_or_with_a_forged_one(stack):
    assert httpx.post(f"{stack.url('eligibility')}/estimate", json={}).status_code == 401
    forged = client_for(stack.url("eligibility"), "123456789").headers["Authorization"][:-4] + "AAAA"
    response = httpx.post(f"{stack.url('eligibility')}/estimate", json={}, headers={"Authorization": forged})
    assert response.status_code == 401


def test_an_agent_estimates_a_named_insured_and_an_unknown_one_is_a_404(stack):
    with client_for(stack.url("eligibility"), "agent-007", agent=True) as agent:
        assert agent.post("/estimate", json={"registration_number": "123456789"}).json()["outcome"] == "eligible"
        unknown = agent.post("/estimate", json={"registration_number": "987654321"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "insured_unknown")


def test_the_checklist_of_an_insured_miner_lists_the_underground_certificate(stack):
    form = insured_form("123456789", mining_activity=True)
    answer = httpx.post(f"{stack.url('documents')}/checklist", json=form).raise_for_status().json()
    assert [d["doc_type"] for d in answer["documents"]] == [
        "identity_card",
        "bank_details",
        "underground_work_certificate",
    ]
    assert all(d["label_fr"] and d["label_ar"] for d in answer["documents"])
    assert (answer["accepted_types"], answer["max_file_bytes"]) == (
        ["application/pdf", "image/jpeg", "image/png"],
        10 * 1024 * 1024,
    )
