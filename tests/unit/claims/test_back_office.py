"""The claim's status machine has a way out of every state that is not final, and the states that wait for a person
offer that person an action; the back office's own rules (what an agent may do, four eyes, reasons)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from contracts import (
    ClaimAccepted,
    ClaimDecided,
    ClaimDetails,
    ClaimRefused,
    DecisionSummary,
    DocumentsIncomplete,
    InspectionCompleted,
    InspectionSelection,
    ReviewApproved,
    ReviewDecided,
)
from services.claims import domain
from services.claims.form import ClaimFormInput

FORM = {"claimant_type": "insured", "registration_number": "123456789", "applicant_name": "A", "phone": "0612345678"}
CLAIM = ClaimDetails(reference="R", filed_on="2026-11-22", **ClaimFormInput.model_validate(FORM).model_dump())
ENVELOPE = {"claim_id": "c", "correlation_id": "k", "producer": "test"}
# What a claimant's request does (not an event): validating a draft or a returned claim submits it.
BY_THE_CLAIMANT = {"draft": "submitted", "returned": "submitted"}
WAITING_FOR_AN_AGENT = ("manual_review", "awaiting_approval", "under_inspection")


def decided(outcome: str, selected: bool = False) -> ClaimDecided:
    return ClaimDecided(
        **ENVELOPE,
        claim=CLAIM,
        documents=(),
        decision=DecisionSummary(outcome=outcome),
        inspection=InspectionSelection(selected=selected),
    )


def review(outcome: str, **fields) -> ReviewDecided:
    return ReviewDecided(**ENVELOPE, agent_id="a1", outcome=outcome, **fields)


EVERY_EVENT = [
    DocumentsIncomplete(**ENVELOPE, claim=CLAIM, missing=("bank_details",)),
    decided("eligible"),
    decided("eligible", selected=True),
    decided("ineligible"),
    decided("manual_review"),
    review("accept"),
    review("accept", needs_approval=True),
    review("accept", inspection_pending=True),
    review("refuse", reasons=("FORCE_MAJEURE_REVIEW",)),
    ReviewApproved(**ENVELOPE, agent_id="a2", review_event_id="e"),
    ReviewApproved(**ENVELOPE, agent_id="a2", review_event_id="e", inspection_pending=True),
    InspectionCompleted(**ENVELOPE, passed=True, agent_id="a1"),
    InspectionCompleted(**ENVELOPE, passed=False, agent_id="a1", reason="IDENTITY_NOT_CONFIRMED"),
    ClaimAccepted(**ENVELOPE, claim=CLAIM, amount=Decimal("10.00")),
    ClaimRefused(**ENVELOPE, claim=CLAIM, reasons=("FORCE_MAJEURE_REVIEW",), agent_id="a1"),
]
STATUSES = {"draft", "submitted", *domain.STATUS_MAY_FOLLOW, *(s for f in domain.STATUS_MAY_FOLLOW.values() for s in f)}


def moves_from(status: str) -> set[str]:
    """Where a claim in `status` can go: by an event the status machine lets it follow, or a claimant's request."""
    reached = {
        after
        for event in EVERY_EVENT
        if (after := domain.claim_status_after(event)[0]) and status in domain.STATUS_MAY_FOLLOW[after]
    }
    return reached | ({BY_THE_CLAIMANT[status]} if status in BY_THE_CLAIMANT else set())


@pytest.mark.parametrize("status", sorted(STATUSES - set(domain.FINAL_STATUSES)))
def test_every_status_that_is_not_final_has_a_way_out_and_says_which(status):
    assert moves_from(status), f"no event nor request moves a claim on from {status}"
    assert status in domain.NEXT_STEP


def test_every_status_leads_to_a_final_one():
    reachable, frontier = {"draft"}, ["draft"]
    while frontier:
        for after in moves_from(frontier.pop()) - reachable:
            reachable.add(after)
            frontier.append(after)
    assert reachable == STATUSES
    for status in STATUSES - set(domain.FINAL_STATUSES):
        seen, frontier = {status}, [status]
        while frontier:
            for after in moves_from(frontier.pop()) - seen:
                seen.add(after)
                frontier.append(after)
        assert seen & set(domain.FINAL_STATUSES), status


def a_claim(status: str, **fields) -> dict:
    return {"_id": "c", "reference": "R", "status": status, "form": FORM, "documents": {}, "timeline": {}, **fields}


MANUAL_DECISION = {
    "outcome": "manual_review",
    "reasons": ["FORCE_MAJEURE_REVIEW"],
    "amount": "60000.00",
    "selected": True,
    "inspection_reasons": ["FORCE_MAJEURE"],
}


@pytest.mark.parametrize("status", WAITING_FOR_AN_AGENT)
def test_a_claim_waiting_for_an_agent_offers_an_agent_an_action(status):
    claim = a_claim(
        status,
        decision=MANUAL_DECISION,
        review={"agent_id": "a1", "needs_approval": True} if status == "awaiting_approval" else None,
    )
    assert domain.agent_actions(claim, "a2")[0]


def test_the_agent_who_accepted_cannot_approve_and_is_told_why():
    claim = a_claim("awaiting_approval", decision=MANUAL_DECISION, review={"agent_id": "a1", "needs_approval": True})
    assert domain.agent_actions(claim, "a1") == ([], "own_decision")
    assert domain.agent_actions(claim, "a2") == (["approve"], None)
    approved = a_claim("awaiting_approval", review={"agent_id": "a1", "needs_approval": True, "approved_by": "a2"})
    assert domain.agent_actions(approved, "a3") == ([], None)


def test_a_claim_the_rules_could_not_judge_can_only_be_refused():
    unknown = {"outcome": "manual_review", "reasons": ["INSURED_UNKNOWN"], "amount": "0.00"}
    assert domain.agent_actions(a_claim("manual_review", decision=unknown), "a1") == (["refuse"], "no_amount")
    assert domain.agent_actions(a_claim("manual_review", decision=MANUAL_DECISION), "a1") == (
        ["accept", "refuse"],
        None,
    )


def test_only_an_acceptance_above_the_configured_amount_needs_a_second_agent():
    assert domain.needs_approval({"amount": "50000.01"}, Decimal("50000.00"))
    assert not domain.needs_approval({"amount": "50000.00"}, Decimal("50000.00"))


def test_a_refusal_needs_known_reasons_and_a_justification_and_an_inspection_failure_a_reason():
    assert domain.ReviewInput(outcome="refuse", reasons=("FORCE_MAJEURE_REVIEW",), justification="Pas de preuve.")
    for bad in (
        {"outcome": "refuse", "reasons": ("FORCE_MAJEURE_REVIEW",), "justification": "non"},
        {"outcome": "refuse", "reasons": ("MADE_UP",), "justification": "Une raison assez longue"},
        {"outcome": "refuse", "justification": "Une raison assez longue"},
        {"outcome": "accept", "reasons": ("FORCE_MAJEURE_REVIEW",)},
    ):
        with pytest.raises(ValidationError):
            domain.ReviewInput(**bad)
    with pytest.raises(ValidationError):
        domain.InspectionOutcome(passed=False)
    with pytest.raises(ValidationError):
        domain.InspectionOutcome(passed=True, reason="IDENTITY_NOT_CONFIRMED")
    assert domain.InspectionOutcome(passed=False, reason="INSPECTION_NOT_ATTENDED").reason


def test_a_queue_line_shows_the_reasons_of_its_queue_and_the_file_splits_decision_and_selection():
    claim = a_claim("manual_review", decision=MANUAL_DECISION, form={**FORM, "agency": "FES-SAISS"})
    assert domain.queued("manual_review", claim, NOW, WARNING)["reasons"] == ["FORCE_MAJEURE_REVIEW"]
    assert domain.queued("inspection", claim, NOW, WARNING)["reasons"] == ["FORCE_MAJEURE"]
    assert domain.queued("inspection", claim, NOW, WARNING)["agency"] == "FES-SAISS"
    file = domain.claim_file(claim, "a1", Decimal("50000.00"), NOW, WARNING)
    assert file["inspection"] == {"selected": True, "reasons": ["FORCE_MAJEURE"]}
    assert "selected" not in file["decision"] and file["actions"] == ["accept", "refuse"]


NOW, WARNING = datetime(2026, 12, 8, 12, tzinfo=UTC), timedelta(hours=48)


@pytest.mark.parametrize(
    ("status", "due", "clock"),
    [
        ("submitted", NOW - timedelta(seconds=1), "past"),
        ("manual_review", NOW, "past"),
        ("under_inspection", NOW + timedelta(hours=47), "close"),
        ("awaiting_approval", NOW + timedelta(hours=49), "on_time"),
        ("returned", NOW - timedelta(days=3), "paused"),  # waiting on the claimant: the clock stands still
        ("accepted", NOW - timedelta(days=3), None),
        ("draft", None, None),
        ("submitted", None, None),  # filed before the clock existed
    ],
)
def test_the_decision_clock_says_where_a_claim_stands_against_its_deadline(status, due, clock):
    claim = a_claim(status) | ({"decision_due_at": due} if due else {})
    assert domain.decision_clock(claim, NOW, WARNING) == {
        "decision_due_at": due and due.isoformat(),
        "decision_clock": clock,
    }
    assert domain.queued("manual_review", claim, NOW, WARNING)["decision_clock"] == clock


def test_a_claim_is_due_a_week_after_its_submission_plus_the_time_it_was_returned():
    assert domain.decision_due(None, NOW, 7) == NOW + timedelta(days=7)
    returned = {"decision_due_at": NOW + timedelta(days=2), "clock_paused_at": NOW - timedelta(days=10)}
    assert domain.decision_due(returned, NOW, 7) == NOW + timedelta(days=12)
    assert domain.facts_on_entering("returned", NOW) == {"clock_paused_at": NOW}
    assert domain.facts_on_entering("manual_review", NOW) == {}
