"""Who a campaign invites to file, and at which milestone before their deadline; whom it reminds of a claim left
unfinished (pure: the registry record and the day come in). The rules decide: a person is invited when a claim of
their own, filed today (or on their event date when it is at most `lookahead_months` away), would be accepted, and
a reminder's deadline is the rules' own, so no condition is written twice here."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts import CareerRecord, InsuredContact, InvitationDue
from services.eligibility.domain import PRODUCER, case_from
from services.eligibility.registry import UnfinishedClaim
from services.eligibility.rules import Outcome, judge

FIRST = "first"  # the invitation sent when a person is found, before any milestone is near


class CampaignPolicy(BaseModel):
    """Milestones are months before the deadline, sent once each; a person found with more time left than the
    first milestone gets the `first` invitation, then each milestone as it comes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    milestones_months: tuple[int, ...] = Field((12, 6, 1), min_length=1)
    lookahead_months: int = Field(3, ge=0)
    reminder_days: int = Field(30, ge=1)  # a claim left unfinished is reminded of from this close to its deadline


REMINDER = "reminder"


@dataclass(frozen=True)
class Invitation:
    """An invitation to file, or (with the claim's `reference`) a reminder to submit a claim left unfinished."""

    registration_number: str
    period: str
    deadline: date
    milestone: str
    reference: str | None = None

    @property
    def invitation_id(self) -> str:
        return f"{self.registration_number}:{self.deadline.isoformat()}:{self.milestone}"


def invitation_for(
    registration_number: str, career: CareerRecord, today: date, policy: CampaignPolicy
) -> Invitation | None:
    """The invitation due today, or None: deceased (never messaged), event further than the lookahead, or a claim
    that would not be accepted (pension rights, refunded already, deadline passed, still at work...)."""
    if career.death_date is not None:
        return None
    verdict = judge(case_from(career, filed_on=today))
    event = verdict.times.event_date
    if today < event <= add_months(today, policy.lookahead_months):
        verdict = judge(case_from(career, filed_on=event))  # as if filed on the day it opens
    times = verdict.times
    if verdict.outcome is not Outcome.ELIGIBLE or times.deadline is None or times.period is None:
        return None
    milestone = due_milestone(times.deadline, today, policy.milestones_months)
    return Invitation(registration_number, times.period.code, times.deadline, milestone)


def reminder_for(
    claim: UnfinishedClaim, career: CareerRecord, today: date, policy: CampaignPolicy
) -> Invitation | None:
    """The reminder due today for a claim left as a draft or returned for documents: its filing deadline (the rules',
    for the claimant it names) is ahead but at most `policy.reminder_days` away. None otherwise, and for a survivors'
    claim the registry knows no death of."""
    try:
        case = case_from(career, filed_on=today, claimant=claim.claimant_type)
    except ValidationError:
        return None
    times = judge(case).times
    if times.deadline is None or times.period is None:
        return None
    if not today <= times.deadline <= today + timedelta(days=policy.reminder_days):
        return None
    return Invitation(claim.registration_number, times.period.code, times.deadline, REMINDER, claim.reference)


def due_milestone(deadline: date, today: date, milestones_months: tuple[int, ...]) -> str:
    """The nearest milestone reached (`6m` from 6 months before the deadline until 1 month before it), or `first`
    while the deadline is further than every milestone."""
    reached = [months for months in milestones_months if add_months(deadline, -months) <= today]
    return f"{min(reached)}m" if reached else FIRST


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier), the month's last day when it has fewer days."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def invitation_event(invitation: Invitation, contact: InsuredContact, correlation_id: str) -> InvitationDue:
    """The event of an invitation (to the registry's contact) or a reminder (to the claim's phone)."""
    return InvitationDue(
        correlation_id=correlation_id,
        producer=PRODUCER,
        invitation_id=invitation.invitation_id,
        registration_number=invitation.registration_number,
        phone=contact.phone,
        language=contact.language,
        period=invitation.period,
        deadline=invitation.deadline,
        milestone=invitation.milestone,
        reference=invitation.reference,
    )
