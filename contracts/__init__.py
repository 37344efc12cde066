"""TAAWIDATY event catalogue: frozen pydantic models, topic names and the envelope. No behaviour."""

from contracts.agents import ClaimRefused, ReviewApproved, ReviewDecided
from contracts.claims import (
    Beneficiary,
    ClaimDetails,
    ClaimDrafted,
    ClaimForm,
    ClaimSubmitted,
    DocumentRef,
    SubmitClaim,
)
from contracts.dead_letters import DeadLetter
from contracts.documents import (
    DocumentsIncomplete,
    DocumentsVerified,
    DocumentType,
    RejectedDocument,
    VerifiedDocument,
)
from contracts.eligibility import (
    ClaimAccepted,
    ClaimDecided,
    DecisionSummary,
    InspectionCompleted,
    InspectionSelection,
    ReasonExplanation,
)
from contracts.envelope import Event
from contracts.notifications import NotificationStatusChanged
from contracts.outreach import InvitationDue
from contracts.receipts import ReceiptIssued
from contracts.registry import CareerRecord, Contribution, InsuredContact, InsuredRecordUpdated
from contracts.topics import Topic

__all__ = [
    "CareerRecord",
    "Contribution",
    "ClaimAccepted",
    "ClaimRefused",
    "ReviewApproved",
    "ReviewDecided",
    "InspectionCompleted",
    "InsuredContact",
    "InsuredRecordUpdated",
    "InvitationDue",
    "ReasonExplanation",
    "Beneficiary",
    "ClaimDecided",
    "ClaimDetails",
    "ClaimDrafted",
    "ClaimForm",
    "ClaimSubmitted",
    "DeadLetter",
    "DecisionSummary",
    "DocumentRef",
    "DocumentType",
    "DocumentsIncomplete",
    "DocumentsVerified",
    "Event",
    "InspectionSelection",
    "NotificationStatusChanged",
    "ReceiptIssued",
    "RejectedDocument",
    "SubmitClaim",
    "Topic",
    "VerifiedDocument",
]
