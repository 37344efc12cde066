"""Claim intake: the command portals publish and the event the claims service emits once it owns the claim."""

from typing import Literal

from pydantic import Field, StrictBool

from contracts.envelope import Contract, Event
from contracts.scalars import IsoDate, MoroccanMobile, OptionalIsoDate

RegistrationNumber = str  # 9 digits, checked by the claims service
ClaimantType = Literal["insured", "survivors"]
ApplicantRole = Literal["insured", "spouse", "divorced_parent", "guardian", "child"]


class Beneficiary(Contract):
    """A survivor the claim asks a share for (section 1 of DOMAIN.md), as the form declares and the rules read it."""

    id: str = Field(min_length=1, max_length=40)
    full_name: str = Field(default="", max_length=120)
    relation: Literal["spouse", "child"]
    birth_date: OptionalIsoDate = None
    orphan_of: Literal["one_parent", "both_parents"] = "one_parent"
    in_school: StrictBool = False
    apprentice: StrictBool = False
    sick: StrictBool = False
    disabled: StrictBool = False


class DocumentRef(Contract):
    """An uploaded scan waiting in quarantine for the documents service's checks."""

    document_id: str = Field(min_length=1, max_length=64)
    doc_type: str = Field(min_length=1, max_length=64)
    bucket: str
    object_key: str
    size: int = Field(ge=0)


class ClaimForm(Contract):
    """What the claimant declared on the form. For survivors, `registration_number` is the deceased's."""

    claimant_type: ClaimantType
    applicant_role: ApplicantRole = "insured"
    registration_number: RegistrationNumber = Field(pattern=r"^\d{9}$")
    applicant_name: str = Field(min_length=1, max_length=120)
    phone: MoroccanMobile
    language: Literal["fr", "ar"] = Field("fr", description="language of the SMS the claimant receives")
    mining_activity: StrictBool = False
    ceased_activity_on: OptionalIsoDate = None
    force_majeure: StrictBool = False
    agency: str | None = Field(default=None, max_length=64, description="the agency chosen for an inspection")
    beneficiaries: tuple[Beneficiary, ...] = ()


class ClaimDetails(ClaimForm):
    """The form with what the claims service adds; travels with every later event of the claim."""

    reference: str
    filed_on: IsoDate


class SubmitClaim(Event):
    """Command a portal front end publishes on `claims.intake.v1` once the claimant validated the request."""

    type: Literal["claim.submit"] = "claim.submit"
    submitted_by: str = Field(pattern=r"^\d{9}$", description="registration number of the portal account")
    form: ClaimForm
    documents: tuple[DocumentRef, ...] = ()


class ClaimSubmitted(Event):
    """The claims service accepted and stored the claim."""

    type: Literal["claim.submitted"] = "claim.submitted"
    claim: ClaimDetails
    documents: tuple[DocumentRef, ...] = ()


class ClaimDrafted(Event):
    """A claim started and not yet submitted: the eligibility service reminds its claimant before the filing
    deadline, unless it is submitted."""

    type: Literal["claim.drafted"] = "claim.drafted"
    reference: str
    form: ClaimForm
