"""Where the eligibility service maps the contracts to the rules' types and back, in one place: the registry's
career record, the claim's case, the decision and the selection as events."""

from datetime import date
from decimal import Decimal

from contracts import (
    Beneficiary,
    CareerRecord,
    ClaimAccepted,
    ClaimDecided,
    ClaimDetails,
    ClaimRefused,
    DecisionSummary,
    DocumentsVerified,
    InspectionSelection,
    ReasonExplanation,
)
from contracts.agents import AGENT_REFUSAL_REASONS
from services.eligibility.inspection import Selection
from services.eligibility.rules import Case, Decision, explain

PRODUCER = "eligibility"


def case_for(claim: ClaimDetails, career: CareerRecord) -> Case:
    """The rules' case from the claim form and the registry's career facts."""
    return case_from(
        career,
        filed_on=claim.filed_on,
        claimant=claim.claimant_type,
        force_majeure=claim.force_majeure,
        declared_ceased_on=claim.ceased_activity_on,
        beneficiaries=claim.beneficiaries if claim.claimant_type == "survivors" else (),
    )


def case_from(
    career: CareerRecord,
    *,
    filed_on: date,
    claimant: str = "insured",
    force_majeure: bool = False,
    declared_ceased_on: date | None = None,
    beneficiaries: tuple[Beneficiary, ...] = (),
) -> Case:
    """A case from the registry's career facts and what the claimant declares (the registry wins on the date
    activity ceased; the declaration fills in when the registry has none)."""
    if career.ceased_activity_on is None and declared_ceased_on is not None:
        career = career.model_copy(update={"ceased_activity_on": declared_ceased_on})
    return Case(
        filed_on=filed_on,
        claimant=claimant,
        force_majeure=force_majeure,
        insured=career,
        beneficiaries=beneficiaries,
    )


def summary_of(decision: Decision) -> DecisionSummary:
    data = decision.model_dump(mode="json")
    return DecisionSummary.model_validate(
        {
            **decision.to_section9_json(),
            "explanations": [{"code": code.value, **explain(code)} for code in decision.reasons],
            "amount": data["amount"] or "0.00",
            "undistributed": data["undistributed"] or "0.00",
            "breakdown": data["breakdown"],
        }
    )


def selection_of(selection: Selection) -> InspectionSelection:
    reasons = tuple(
        f"RANDOM(drawn={reason.drawn:.6f},rate={reason.rate})" if reason.code == "RANDOM" else reason.code.value
        for reason in selection.reasons
    )
    return InspectionSelection(selected=selection.selected, reasons=reasons)


def decided_event(source: DocumentsVerified, summary: DecisionSummary, inspection: InspectionSelection) -> ClaimDecided:
    return ClaimDecided(
        claim_id=source.claim_id,
        correlation_id=source.correlation_id,
        producer=PRODUCER,
        claim=source.claim,
        documents=source.documents,
        decision=summary,
        inspection=inspection,
    )


def accepted_event(
    claim_id: str, correlation_id: str, claim: ClaimDetails, amount: Decimal, agent_id: str | None = None
) -> ClaimAccepted:
    return ClaimAccepted(
        claim_id=claim_id,
        correlation_id=correlation_id,
        producer=PRODUCER,
        claim=claim,
        amount=amount,
        agent_id=agent_id,
    )


def refused_event(
    claim_id: str, correlation_id: str, claim: ClaimDetails, reasons: tuple[str, ...], agent_id: str
) -> ClaimRefused:
    """A refusal by an agent, each reason explained in French and Arabic (contracts.agents)."""
    return ClaimRefused(
        claim_id=claim_id,
        correlation_id=correlation_id,
        producer=PRODUCER,
        claim=claim,
        reasons=reasons,
        explanations=tuple(_explained(code) for code in reasons),
        agent_id=agent_id,
    )


def _explained(code: str) -> ReasonExplanation:
    french, arabic = AGENT_REFUSAL_REASONS[code]
    return ReasonExplanation(code=code, fr=french, ar=arabic)


def is_refusal(decided: ClaimDecided) -> bool:
    """The rules refused the claim: remembered against the insured's later claims (the inspection rule
    `claim_after_refusal`)."""
    return decided.decision.outcome == "ineligible"


def accepted_at_decision(decided: ClaimDecided) -> ClaimAccepted | None:
    """An eligible claim not selected for inspection is accepted at once; a selected one waits for the agent."""
    if decided.decision.outcome != "eligible" or decided.inspection.selected:
        return None
    return accepted_event(decided.claim_id, decided.correlation_id, decided.claim, decided.decision.amount)
