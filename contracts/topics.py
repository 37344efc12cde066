"""Topic names. Every topic is keyed by claim id, but the registry's and the invitations' by registration number;
`<topic>.dlq` holds its dead letters."""

from enum import StrEnum


class Topic(StrEnum):
    CLAIM_INTAKE = "claims.intake.v1"
    CLAIM_SUBMITTED = "claims.submitted.v1"
    CLAIM_DRAFTED = "claims.drafted.v1"
    DOCUMENTS_VERIFIED = "documents.verified.v1"
    DOCUMENTS_INCOMPLETE = "documents.incomplete.v1"
    CLAIM_DECIDED = "eligibility.decided.v1"
    CLAIM_ACCEPTED = "eligibility.accepted.v1"
    CLAIM_REFUSED = "eligibility.refused.v1"
    INSPECTION_COMPLETED = "inspections.completed.v1"
    REVIEWS = "reviews.v1"  # ReviewDecided then ReviewApproved: one topic, so a claim's are read in order
    INSURED_RECORD_UPDATED = "registry.insured.v1"
    RECEIPT_ISSUED = "receipts.issued.v1"
    NOTIFICATION_STATUS = "notifications.status.v1"
    INVITATIONS = "outreach.invitations.v1"

    @property
    def dead_letters(self) -> str:
        return f"{self.value}.dlq"
