"""What the receipt of a decided claim shows, where it is filed, and the event saying it is there."""

import hashlib

from contracts import ClaimDecided, ReceiptIssued
from contracts.documents import DOCUMENT_LABELS
from contracts.receipts import ReceiptRef
from services.receipts.rendering.verification import receipt_claims, short_code, sign
from services.receipts.rendering.view import ReceiptView, ReceivedDocument

PRODUCER = "receipts"


def receipt_key(claim_id: str) -> str:
    return f"{claim_id}/accuse-de-depot.pdf"


def document_hashes(decided: ClaimDecided) -> list[str]:
    return sorted(document.sha256 for document in decided.documents)


def verification_token(decided: ClaimDecided, key: bytes) -> str:
    claim = decided.claim
    return sign(
        receipt_claims(claim.reference, claim.filed_on, claim.registration_number, document_hashes(decided)), key
    )


def receipt_view(decided: ClaimDecided, token: str, base_url: str) -> ReceiptView:
    claim = decided.claim
    documents = tuple(
        ReceivedDocument(
            type_code=document.doc_type,
            label_fr=DOCUMENT_LABELS[document.doc_type][0],
            label_ar=DOCUMENT_LABELS[document.doc_type][1],
            pages=document.pages,
            sha256=document.sha256,
        )
        for document in sorted(decided.documents, key=lambda d: (d.doc_type, d.document_id))
    )
    return ReceiptView(
        applicant_name=claim.applicant_name,
        registration_number=claim.registration_number,
        claimant_type=claim.claimant_type,
        reference=claim.reference,
        request_date=claim.filed_on,
        documents=documents,
        inspection_selected=decided.inspection.selected,
        verification_code=short_code(token),
        verification_url=f"{base_url}{token}",
    )


def receipt_ref(bucket: str, key: str, pdf: bytes, verification_code: str) -> ReceiptRef:
    return ReceiptRef(
        bucket=bucket,
        object_key=key,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        verification_code=verification_code,
    )


def issued_event(decided: ClaimDecided, receipt: ReceiptRef) -> ReceiptIssued:
    return ReceiptIssued(
        claim_id=decided.claim_id,
        correlation_id=decided.correlation_id,
        producer=PRODUCER,
        claim=decided.claim,
        decision=decided.decision,
        inspection=decided.inspection,
        receipt=receipt,
    )
