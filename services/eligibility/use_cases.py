"""The eligibility service's use cases, each one call from a handler: decide a claim whose documents are verified
(the rules, then the draw for inspection), apply an agent's action (an inspection outcome, a manual-review decision,
its approval) once, keep the insured registry, follow who filed or left a claim unfinished, and run the outreach
campaigns. They depend on the ports below, not on the servers."""

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from contracts import (
    CareerRecord,
    ClaimAccepted,
    ClaimDecided,
    ClaimDetails,
    ClaimDrafted,
    ClaimRefused,
    ClaimSubmitted,
    DocumentsIncomplete,
    DocumentsVerified,
    Event,
    InspectionCompleted,
    InsuredContact,
    InvitationDue,
    ReviewApproved,
    ReviewDecided,
    Topic,
)
from services.eligibility import domain
from services.eligibility.inspection import InspectionPolicy, facts_from_case, select_for_inspection
from services.eligibility.outreach import REMINDER, CampaignPolicy, invitation_event, invitation_for, reminder_for
from services.eligibility.registry import RegistryEntry, UnfinishedClaim
from services.eligibility.rules import ReasonCode, RevaluationTable, decide, undecidable
from services.runtime.dead_letters import PermanentError
from services.runtime.faults import crash_if_asked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredDecision:
    """A decision as kept, with what agents did to it so far."""

    id: str
    claim_id: str
    registration_number: str
    claim: ClaimDetails
    amount: Decimal
    selected_for_inspection: bool
    inspected: bool
    review_agent_id: str | None
    early_inspection: dict[str, Any] | None = None  # an InspectionCompleted read before the agents' action it follows


class Careers(Protocol):
    """The insured registry."""

    async def find(self, registration_number: str) -> CareerRecord | None: ...

    async def find_all(self, registration_numbers: Iterable[str]) -> dict[str, CareerRecord]:
        """The records of those of these insured the registry knows, by registration number (one read)."""
        ...

    async def upsert(
        self, registration_number: str, record: CareerRecord, contact: InsuredContact | None = None
    ) -> None: ...


@dataclass(frozen=True)
class NewDecision:
    source_event_id: str  # the verified-documents event decided
    decided: ClaimDecided
    accepted: ClaimAccepted | None  # when the rules alone accept the claim


class Decisions(Protocol):
    """The decisions, one per verified-documents event, with their outbox."""

    async def decided_among(self, source_event_ids: Iterable[str]) -> set[str]:
        """Which of these verified-documents events have their decision."""
        ...

    async def refused_claims(self, registration_numbers: Iterable[str]) -> dict[str, set[str]]:
        """The claims found ineligible (by the rules or by agents) of each of these insured who has any."""
        ...

    async def record(self, decisions: Sequence[NewDecision]) -> None:
        """Record these decisions with their outbox in one write, each once (one already there stands), the refusals
        among them remembered first."""
        ...

    async def awaiting_inspection(self, claim_id: str) -> StoredDecision | None: ...

    async def awaiting_review(self, claim_id: str) -> StoredDecision | None: ...

    async def awaiting_approval(self, claim_id: str, review_event_id: str) -> StoredDecision | None: ...

    async def keep_early_inspection(self, claim_id: str, outcome: dict[str, Any]) -> bool:
        """Keep an inspection outcome on the claim's decision if that still waits for an agent's review, or for a
        second agent's approval of it (in one write: it is applied when they land); False when none waits."""
        ...

    async def settle(
        self, decision: StoredDecision, awaited: str, fields: dict[str, Any], event: tuple[str, Event] | None
    ) -> None: ...


class DecideClaim:
    def __init__(
        self, careers: Careers, decisions: Decisions, revaluation: RevaluationTable, inspection: InspectionPolicy
    ) -> None:
        self.careers, self.decisions = careers, decisions
        self.revaluation, self.inspection = revaluation, inspection

    async def __call__(self, events: Sequence[DocumentsVerified]) -> list[str]:
        """Decide each event once (a redelivery finds its decision), in the order given, with a few reads and one
        write for them all; the ids of the records whose outbox to publish."""
        source_ids = list(dict.fromkeys(verified.event_id for verified in events))
        decided_before = await self.decisions.decided_among(source_ids)
        new = list({v.event_id: v for v in events if v.event_id not in decided_before}.values())
        if not new:  # a redelivered batch: nothing to read or write, only what its outboxes still hold to publish
            return source_ids
        numbers = {verified.claim.registration_number for verified in new}
        careers = await self.careers.find_all(numbers)
        refused = await self.decisions.refused_claims(numbers)
        decisions = []
        for verified in new:
            number = verified.claim.registration_number
            decided = self._decided(verified, careers.get(number), refused.setdefault(number, set()))
            if domain.is_refusal(decided):  # seen by a later claim of the same insured in this batch
                refused[number].add(verified.claim_id)
            decisions.append(NewDecision(verified.event_id, decided, domain.accepted_at_decision(decided)))
        await self.decisions.record(decisions)
        return source_ids

    def _decided(self, verified: DocumentsVerified, career: CareerRecord | None, refused: set[str]) -> ClaimDecided:
        if career is None:
            summary = domain.summary_of(undecidable(ReasonCode.INSURED_UNKNOWN))
            return domain.decided_event(verified, summary, domain.InspectionSelection(selected=False))
        case = domain.case_for(verified.claim, career)
        decision = decide(case, self.revaluation)
        facts = facts_from_case(
            verified.claim.reference,
            case,
            decision,
            filed_by=verified.claim.applicant_role,
            refused_before=bool(refused - {verified.claim_id}),
            flagged_documents=sum(1 for document in verified.documents if document.flags),
        )
        selection = domain.selection_of(select_for_inspection(facts, self.inspection))
        return domain.decided_event(verified, domain.summary_of(decision), selection)


class ApplyAgentAction:
    """An agent's action on a decision, applied once (a replayed or contrary one finds nothing waiting for it); it
    ends, when the claim is settled, in ClaimAccepted (the amount the rules computed) or ClaimRefused. Each method
    returns the decision's id whose outbox to publish, or None."""

    def __init__(self, decisions: Decisions) -> None:
        self.decisions = decisions

    async def __call__(self, action: InspectionCompleted | ReviewDecided | ReviewApproved) -> str | None:
        match action:
            case InspectionCompleted():
                return await self.inspection_completed(action)
            case ReviewDecided():
                return await self.review_decided(action)
            case ReviewApproved():
                return await self.review_approved(action)

    async def inspection_completed(self, completed: InspectionCompleted) -> str | None:
        """Applied now, or, read before the review (or approval) that sent the claim to inspection, kept for it: the
        reviews' consumer may be any length of time behind, and an outcome it has not caught up with is not dropped."""
        if await self.decisions.keep_early_inspection(completed.claim_id, completed.model_dump(mode="json")):
            log.info("inspection outcome kept until the review it follows", extra={"claim_id": completed.claim_id})
            return None
        decision = await self.decisions.awaiting_inspection(completed.claim_id)
        if decision is None:
            log.warning("inspection outcome for a claim not awaiting one", extra={"claim_id": completed.claim_id})
            return None
        await self._apply_inspection(decision, completed)
        return decision.id

    async def _apply_inspection(self, decision: StoredDecision, completed: InspectionCompleted) -> None:
        if completed.passed:
            event = (Topic.CLAIM_ACCEPTED, _accepted(decision, completed.correlation_id, completed.agent_id))
        else:
            reasons = (completed.reason,) if completed.reason else ()
            event = (Topic.CLAIM_REFUSED, _refused(decision, completed.correlation_id, reasons, completed.agent_id))
        fields = {
            "inspection_event_id": completed.event_id,
            "inspection_passed": completed.passed,
            "accepted": completed.passed,
        }
        await self.decisions.settle(decision, "inspection_event_id", fields, event)

    async def review_decided(self, review: ReviewDecided) -> str | None:
        decision = await self.decisions.awaiting_review(review.claim_id)
        if decision is None:
            log.warning("review of a claim not awaiting one", extra={"claim_id": review.claim_id})
            return None
        fields: dict[str, Any] = {
            "review_event_id": review.event_id,
            "review_agent_id": review.agent_id,
            "review_outcome": review.outcome,
            "review_needs_approval": review.needs_approval,
        }
        if review.outcome == "refuse":
            event = (Topic.CLAIM_REFUSED, _refused(decision, review.correlation_id, review.reasons, review.agent_id))
            await self.decisions.settle(decision, "review_event_id", fields, event)
        elif review.needs_approval:
            await self.decisions.settle(decision, "review_event_id", fields, None)
        else:
            await self._accept(decision, "review_event_id", fields, review.correlation_id, review.agent_id)
        return decision.id

    async def review_approved(self, approved: ReviewApproved) -> str | None:
        decision = await self.decisions.awaiting_approval(approved.claim_id, approved.review_event_id)
        if decision is None:
            log.warning("approval of an acceptance not awaiting one", extra={"claim_id": approved.claim_id})
            return None
        if decision.review_agent_id == approved.agent_id:
            raise PermanentError("agent_id: the agent who accepted a claim cannot approve that acceptance")
        fields = {"approved_by": approved.agent_id}
        await self._accept(decision, "approved_by", fields, approved.correlation_id, approved.agent_id)
        return decision.id

    async def _accept(
        self, decision: StoredDecision, awaited: str, fields: dict[str, Any], correlation_id: str, agent_id: str
    ) -> None:
        """Accepted by agents: at once, or after the inspection the claim was selected for, whose outcome, kept on
        the decision if it came first (`Decisions.keep_early_inspection`), is applied now."""
        if decision.selected_for_inspection and not decision.inspected:
            await self.decisions.settle(decision, awaited, fields | {"review_accepted": True}, None)
            waiting = await self.decisions.awaiting_inspection(decision.claim_id)
            if waiting and waiting.early_inspection:
                await self._apply_inspection(waiting, InspectionCompleted.model_validate(waiting.early_inspection))
        else:
            accepted = _accepted(decision, correlation_id, agent_id)
            await self.decisions.settle(
                decision,
                awaited,
                fields | {"review_accepted": True, "accepted": True},
                (Topic.CLAIM_ACCEPTED, accepted),
            )


class UpdateRegistry:
    """Keep the registry: the career facts and contact the registry publishes."""

    def __init__(self, careers: Careers) -> None:
        self.careers = careers

    async def __call__(
        self, registration_number: str, record: CareerRecord, contact: InsuredContact | None = None
    ) -> None:
        await self.careers.upsert(registration_number, record, contact)


def _accepted(decision: StoredDecision, correlation_id: str, agent_id: str) -> ClaimAccepted:
    return domain.accepted_event(decision.claim_id, correlation_id, decision.claim, decision.amount, agent_id)


def _refused(decision: StoredDecision, correlation_id: str, reasons: tuple[str, ...], agent_id: str) -> ClaimRefused:
    return domain.refused_event(decision.claim_id, correlation_id, decision.claim, reasons, agent_id)


class Registry(Protocol):
    def batches(self, size: int) -> AsyncIterator[list[RegistryEntry]]: ...

    async def find(self, registration_number: str) -> CareerRecord | None: ...


class Unfinished(Protocol):
    """The claims left as a draft or returned for documents, by registration number."""

    async def left(self, claim: UnfinishedClaim, at: datetime) -> None: ...

    async def submitted(self, registration_number: str, at: datetime) -> None: ...

    def pending(self) -> AsyncIterator[UnfinishedClaim]: ...


class IdSet(Protocol):
    """Who filed a claim (registration numbers); the invitations a campaign asked for (invitation ids)."""

    async def add(self, ids: Iterable[str], **fields: object) -> None: ...

    async def among(self, ids: Iterable[str]) -> set[str]: ...


@dataclass
class CampaignReport:
    """What one run found: invitations due by (milestone, period), and why others were not asked for."""

    read: int = 0
    due: Counter = field(default_factory=Counter)
    filed: int = 0
    asked_before: int = 0
    no_contact: int = 0
    unreadable: int = 0
    reminders: int = 0

    @property
    def invited(self) -> int:
        return sum(count for (milestone, _), count in self.due.items() if milestone != REMINDER)


async def read_ahead(batches: AsyncIterator[list[RegistryEntry]]) -> AsyncIterator[list[RegistryEntry]]:
    """The batches, the next one read from the server while this one is judged (on another core, the server's)."""
    ahead = asyncio.ensure_future(anext(batches, None))
    while (batch := await ahead) is not None:
        ahead = asyncio.ensure_future(anext(batches, None))
        await asyncio.sleep(0)  # the read of the next batch is sent before the judging holds the loop
        yield batch


class RunCampaign:
    """Stream the registry, find who is owed a refund and has not asked (outreach.invitation_for), and publish each
    invitation due once; then remind the claimants of claims left unfinished whose deadline nears
    (outreach.reminder_for). Asked-for invitations are remembered after publication, and the notifications service
    sends each invitation id once, so a run stopped half way and run again loses and repeats nothing."""

    def __init__(
        self,
        registry: Registry,
        filings: IdSet,
        unfinished: Unfinished,
        asked: IdSet,
        publish: Callable[[InvitationDue], Awaitable[None]],
        policy: CampaignPolicy,
        batch_size: int = 1000,
    ) -> None:
        self.registry, self.filings, self.unfinished = registry, filings, unfinished
        self.asked, self.publish = asked, publish
        self.policy, self.batch_size = policy, batch_size

    async def __call__(self, today: date, dry_run: bool = False) -> CampaignReport:
        report = CampaignReport()
        correlation_id = f"campaign-{today.isoformat()}-{uuid.uuid4().hex[:8]}"
        unfinished = [claim async for claim in self.unfinished.pending()]  # drafts and returned claims: a few
        started = {claim.registration_number for claim in unfinished}
        async for batch in read_ahead(self.registry.batches(self.batch_size)):
            report.read += len(batch)
            report.unreadable += sum(entry.record is None for entry in batch)
            found = {
                entry.registration_number: (entry, invitation)
                for entry in batch
                if entry.record is not None
                and (invitation := invitation_for(entry.registration_number, entry.record, today, self.policy))
            }
            filed = await self.filings.among(found) | (started & found.keys())  # submitted, or started: reminded
            due = []
            for number, (entry, invitation) in found.items():
                if number in filed:
                    report.filed += 1
                elif entry.contact is None:
                    report.no_contact += 1
                else:
                    due.append(invitation_event(invitation, entry.contact, correlation_id))
            await self._ask(due, report, dry_run)
        await self._remind(unfinished, today, correlation_id, report, dry_run)
        return report

    async def _remind(
        self, unfinished: list[UnfinishedClaim], today: date, correlation_id: str, report: CampaignReport, dry_run: bool
    ) -> None:
        due = []
        for claim in unfinished:
            career = await self.registry.find(claim.registration_number)
            if career and (reminder := reminder_for(claim, career, today, self.policy)):
                contact = InsuredContact(phone=claim.phone, language=claim.language)
                due.append(invitation_event(reminder, contact, correlation_id))
            if len(due) == self.batch_size:
                await self._ask(due, report, dry_run)
                due = []
        await self._ask(due, report, dry_run)

    async def _ask(self, due: list[InvitationDue], report: CampaignReport, dry_run: bool) -> None:
        """Publish those not asked for before, then remember them."""
        asked = await self.asked.among(event.invitation_id for event in due)
        new = [event for event in due if event.invitation_id not in asked]
        report.asked_before += len(due) - len(new)
        for event in new:
            report.due[event.milestone, event.period] += 1
        report.reminders += sum(event.milestone == REMINDER for event in new)
        if new and not dry_run:
            await asyncio.gather(*(self.publish(event) for event in new))
            crash_if_asked("CAMPAIGN_BEFORE_REMEMBER")  # published, not remembered: the next run asks again
            await self.asked.add(event.invitation_id for event in new)


class FollowFilings:
    """Who filed a claim (never invited again), and which claims are left as a draft or returned for documents (their
    claimant is reminded before the deadline until they submit)."""

    def __init__(self, filings: IdSet, unfinished: Unfinished) -> None:
        self.filings, self.unfinished = filings, unfinished

    async def submitted(self, event: ClaimSubmitted) -> None:
        await self.filings.add([event.claim.registration_number], first_claim_id=event.claim_id)
        await self.unfinished.submitted(event.claim.registration_number, event.occurred_at)

    async def left_unfinished(self, event: ClaimDrafted | DocumentsIncomplete) -> None:
        form, reference = (
            (event.form, event.reference) if isinstance(event, ClaimDrafted) else (event.claim, event.claim.reference)
        )
        claim = UnfinishedClaim(
            form.registration_number, event.claim_id, reference, form.claimant_type, form.phone, form.language
        )
        await self.unfinished.left(claim, event.occurred_at)
