"""Turn the checks of each uploaded scan into the claim's documents verdict."""

from contracts import (
    ClaimSubmitted,
    DocumentRef,
    DocumentsIncomplete,
    DocumentsVerified,
    RejectedDocument,
    VerifiedDocument,
)
from services.documents.checklist import missing_documents
from services.documents.inspection import Accepted, Rejected

PRODUCER = "documents"


def storage_key(claim_id: str, document_id: str, extension: str) -> str:
    """Generated key in the claim's prefix; the client's file name is never used."""
    return f"{claim_id}/{document_id}.{extension}"


def verified(claim_id: str, ref: DocumentRef, result: Accepted, bucket: str) -> VerifiedDocument:
    return VerifiedDocument(
        document_id=ref.document_id, doc_type=ref.doc_type, bucket=bucket,
        object_key=storage_key(claim_id, ref.document_id, result.extension),
        content_type=result.content_type, size=result.size, pages=result.pages, sha256=result.sha256,
    )


def verdict(submitted: ClaimSubmitted, results: dict[str, Accepted | Rejected],
            bucket: str) -> DocumentsVerified | DocumentsIncomplete:
    accepted = tuple(
        verified(submitted.claim_id, ref, results[ref.document_id], bucket)
        for ref in submitted.documents if isinstance(results[ref.document_id], Accepted)
    )
    rejected = tuple(
        RejectedDocument(document_id=ref.document_id, doc_type=ref.doc_type, reason=result.reason)
        for ref in submitted.documents if isinstance(result := results[ref.document_id], Rejected)
    )
    missing = tuple(missing_documents(submitted.claim, {doc.doc_type for doc in accepted}))
    envelope = {"claim_id": submitted.claim_id, "correlation_id": submitted.correlation_id,
                "producer": PRODUCER, "claim": submitted.claim}
    if missing or rejected:
        return DocumentsIncomplete(**envelope, missing=missing, rejected=rejected, documents=accepted)
    return DocumentsVerified(**envelope, documents=accepted)
