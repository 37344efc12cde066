"""Who may do what: claimants reach only their own claims; agents reach all; bad tokens are refused."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from services.claims.auth import issue_token
from services.claims.config import ClaimsSettings
from tests.e2e.flow import client_for, insured_form, submit_claim

pytestmark = pytest.mark.e2e


def test_a_claimant_cannot_read_or_change_another_claimants_claim(api, insured, stack):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    with client_for(stack.url("claims"), "111222333") as intruder:
        assert intruder.get(f"/claims/{claim_id}").status_code == 404
        assert intruder.put(f"/claims/{claim_id}/documents/identity_card", content=b"%PDF-1.4").status_code == 404
        assert intruder.post(f"/claims/{claim_id}/submit").status_code == 404
    assert api.get(f"/claims/{claim_id}").status_code == 200


def test_an_agent_reads_any_claim(api, insured, agent_api):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    assert agent_api.get(f"/claims/{claim_id}").json()["form"]["registration_number"] == insured


def test_an_insured_cannot_file_for_another_registration_number(api):
    assert api.post("/claims", json=insured_form("111222333")).status_code == 403


@pytest.mark.parametrize(
    "token",
    [
        issue_token(ClaimsSettings(), "123456789", ttl=timedelta(seconds=-120)),  # past the 30 s clock skew
        issue_token(ClaimsSettings(), "123456789", signing_key="not-the-configured-key-at-all-0123456789"),
        "not.a.token",
    ],
)
def test_an_expired_forged_or_malformed_token_is_refused(stack, token):
    response = httpx.get(f"{stack.url('claims')}/claims/x", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_call_without_a_token_is_refused(stack):
    assert httpx.post(f"{stack.url('claims')}/claims", json={}).status_code == 401


def test_an_insured_has_one_open_claim_at_a_time(api, insured):
    first = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    second = api.post("/claims", json=insured_form(insured))
    assert second.status_code == 409 and first in second.json()["detail"]


def test_a_retried_creation_with_the_same_idempotency_key_gives_the_same_claim(api, insured):
    headers = {"Idempotency-Key": "portal-retry-1"}
    first = api.post("/claims", json=insured_form(insured), headers=headers)
    again = api.post("/claims", json=insured_form(insured), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["claim_id"] == again.json()["claim_id"]


def test_a_creation_sent_several_times_at_once_with_one_idempotency_key_gives_one_claim(api, insured):
    """A double click: the calls that lose the race for the insured's open claim answer the winner's claim."""
    headers = {"Idempotency-Key": "portal-double-click"}
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: api.post("/claims", json=insured_form(insured), headers=headers), range(4)))
    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 201]
    assert len({answer.json()["claim_id"] for answer in answers}) == 1
    other = api.post("/claims", json=insured_form(insured), headers={"Idempotency-Key": "another-form"})
    assert other.status_code == 409 and answers[0].json()["claim_id"] in other.json()["detail"]


def test_a_submitted_claim_no_longer_takes_documents(api, insured):
    claim_id = submit_claim(api, insured_form(insured))["claim_id"]
    assert api.put(f"/claims/{claim_id}/documents/identity_card", content=b"%PDF-1.4").status_code == 409
