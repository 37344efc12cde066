"""Outreach: the eligibility service's campaign asks the notifications service to invite an insured person who is
owed a refund and has not asked for it to file before their deadline, or to remind someone whose claim is left as a
draft or returned for documents to submit it before then. Keyed by registration number."""

from typing import Literal

from pydantic import Field

from contracts.envelope import InsuredEvent
from contracts.scalars import IsoDate, MoroccanMobile


class InvitationDue(InsuredEvent):
    """One invitation SMS of one milestone before one deadline: `invitation_id` names it, so it is sent once
    whatever the number of campaign runs that ask for it."""

    type: Literal["outreach.invitation_due"] = "outreach.invitation_due"
    invitation_id: str = Field(
        pattern=r"^\d{9}:\d{4}-\d{2}-\d{2}:[a-z0-9]{1,16}$", description="number:deadline:milestone"
    )
    phone: MoroccanMobile
    language: Literal["fr", "ar"]
    period: str = Field(min_length=1, max_length=8)
    deadline: IsoDate
    milestone: str = Field(
        pattern=r"^[a-z0-9]{1,16}$", description='"first", months before the deadline ("12m"), or "reminder"'
    )
    reference: str | None = Field(
        None, max_length=40, description="a reminder's: the claim started and not submitted; None for an invitation"
    )
