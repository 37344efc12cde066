"""Turn the checks of each uploaded scan into the claim's documents verdict."""

import re
from dataclasses import dataclass

from contracts import (
    ClaimSubmitted,
    DocumentRef,
    DocumentsIncomplete,
    DocumentsVerified,
    RejectedDocument,
    VerifiedDocument,
)
from services.documents.checklist import missing_documents
from services.documents.file_checks import EXTENSIONS, Accepted, Rejected

PRODUCER = "documents"
_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def storage_key(claim_id: str, document_id: str, extension: str) -> str:
    """Generated key in the claim's prefix; the client's file name is never used."""
    return _filed_as(upload_key(claim_id, document_id), extension)


def upload_key(claim_id: str, document_id: str) -> str:
    return f"{claim_id}/{document_id}"


def possible_storage_keys(upload: str) -> list[str]:
    """Where the copy of the upload keyed `upload` may be filed, whatever type it turned out to be."""
    return [_filed_as(upload, extension) for extension in EXTENSIONS]


def _filed_as(upload: str, extension: str) -> str:
    return f"{upload}.{extension}"


@dataclass(frozen=True)
class FiledUpload:
    """An accepted upload whose copy was filed as it arrived, before its claim was submitted."""

    claim_id: str
    document_id: str
    upload_size: int  # the bytes the claimant sent, as the claim's reference counts them
    accepted: Accepted  # describes the filed copy
    scanned_by: str | None

    @property
    def key(self) -> str:
        return upload_key(self.claim_id, self.document_id)


def unsafe_ids(claim_id: str, document_id: str) -> Rejected | None:
    if not (_SAFE_ID.match(claim_id) and _SAFE_ID.match(document_id)):
        return Rejected("bad_reference", "the claim or document id has characters a storage key cannot take")
    return None


def misplaced(claim_id: str, ref: DocumentRef, quarantine_bucket: str) -> Rejected | None:
    """A reference a portal could have pointed anywhere: only this claim's uploads, with ids safe in a key."""
    if rejected := unsafe_ids(claim_id, ref.document_id):
        return rejected
    if ref.bucket != quarantine_bucket or not ref.object_key.startswith(f"{claim_id}/"):
        return Rejected("bad_reference", "the file is not among this claim's uploads")
    return None


def over_claim_limit(used_bytes: int, max_claim_bytes: int) -> Rejected | None:
    if used_bytes > max_claim_bytes:
        return Rejected(
            "claim_too_large", f"the claim's documents together exceed {max_claim_bytes / 1024 / 1024:g} MiB"
        )
    return None


def verified(claim_id: str, ref: DocumentRef, result: Accepted, bucket: str) -> VerifiedDocument:
    return VerifiedDocument(
        document_id=ref.document_id,
        doc_type=ref.doc_type,
        bucket=bucket,
        object_key=storage_key(claim_id, ref.document_id, result.extension),
        content_type=result.content_type,
        size=result.size,
        pages=result.pages,
        sha256=result.sha256,
        flags=result.flags,
    )


def verdict(
    submitted: ClaimSubmitted, results: dict[str, Accepted | Rejected], bucket: str
) -> DocumentsVerified | DocumentsIncomplete:
    accepted = tuple(
        verified(submitted.claim_id, ref, results[ref.document_id], bucket)
        for ref in submitted.documents
        if isinstance(results[ref.document_id], Accepted)
    )
    rejected = tuple(
        RejectedDocument(document_id=ref.document_id, doc_type=ref.doc_type, reason=result.reason)
        for ref in submitted.documents
        if isinstance(result := results[ref.document_id], Rejected)
    )
    missing = tuple(missing_documents(submitted.claim, {doc.doc_type for doc in accepted}))
    envelope = {
        "claim_id": submitted.claim_id,
        "correlation_id": submitted.correlation_id,
        "producer": PRODUCER,
        "claim": submitted.claim,
    }
    if missing or rejected:
        return DocumentsIncomplete(**envelope, missing=missing, rejected=rejected, documents=accepted)
    return DocumentsVerified(**envelope, documents=accepted)
