"""The deposit receipt ("accusé de dépôt") is in MinIO."""

from typing import Literal

from contracts.claims import ClaimDetails
from contracts.eligibility import DecisionSummary, InspectionSelection
from contracts.envelope import Contract, Event


class ReceiptRef(Contract):
    bucket: str
    object_key: str
    sha256: str
    size: int
    verification_code: str = ""


class ReceiptIssued(Event):
    type: Literal["receipt.issued"] = "receipt.issued"
    claim: ClaimDetails
    decision: DecisionSummary
    inspection: InspectionSelection
    receipt: ReceiptRef
