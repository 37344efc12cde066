"""Check every scan of a submitted claim: where it is, its size, the antivirus, then its content; file the good
ones in the documents bucket under a generated key, images re-encoded (no metadata, nothing appended). Rejected
files stay in quarantine only."""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Protocol

from contracts import ClaimSubmitted, DocumentRef
from services.documents.adapters.antivirus import VirusScanner
from services.documents.domain import misplaced, over_claim_limit, storage_key
from services.documents.inspection import Accepted, Limits, Rejected, inspect_scan, size_rejection
from services.documents.reencoding import NotReencodable, as_filed, reencoded
from services.runtime.object_store import ObjectMissing

log = logging.getLogger(__name__)

_EXTENSIONS = ("pdf", "jpg", "png")


class Uploads(Protocol):
    """The object store, as far as the review needs it."""

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes: ...

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...


@dataclass(frozen=True)
class Buckets:
    quarantine: str
    documents: str


@dataclass
class Review:
    results: dict[str, Accepted | Rejected] = field(default_factory=dict)
    checks: list[dict] = field(default_factory=list)  # per document: who scanned it, flags, outcome code


class DocumentReview:
    def __init__(
        self, store: Uploads, scanner: VirusScanner, limits: Limits, max_claim_bytes: int, buckets: Buckets
    ) -> None:
        self.store, self.scanner, self.limits = store, scanner, limits
        self.max_claim_bytes, self.buckets = max_claim_bytes, buckets

    async def check(self, submitted: ClaimSubmitted) -> Review:
        review, used = Review(), 0
        for ref in submitted.documents:
            data = await self._read(submitted.claim_id, ref)
            used += len(data) if data and len(data) <= self.limits.max_file_bytes else 0
            result, scanned_by = await self._check_one(submitted.claim_id, ref, data, used)
            review.results[ref.document_id] = result
            review.checks.append(self._note(submitted.claim_id, ref, result, scanned_by))
        return review

    async def _check_one(
        self, claim_id: str, ref: DocumentRef, data: bytes | None, used: int
    ) -> tuple[Accepted | Rejected, str | None]:
        if rejected := misplaced(claim_id, ref, self.buckets.quarantine):
            return rejected, None
        if data is None:
            return Rejected("not_found", "the file is not among the claim's uploads"), None
        if rejected := size_rejection(data, self.limits.max_file_bytes) or over_claim_limit(used, self.max_claim_bytes):
            return rejected, None
        result, scanned_by = await self.inspect(data)  # ScannerError propagates: the message is retried
        if isinstance(result, Accepted):  # made from the very bytes checked, not what the quarantine key holds now
            result = await self._file(claim_id, ref, data, result)
        return result, scanned_by

    async def _file(self, claim_id: str, ref: DocumentRef, data: bytes, result: Accepted) -> Accepted | Rejected:
        """Files the copy agents will see (an image re-encoded, a PDF as it is); the result then describes it."""
        try:
            filed = await asyncio.to_thread(reencoded, data, result.content_type, self.limits.max_image_pixels)
        except NotReencodable as error:
            return Rejected("image_unreadable", f"the image could not be re-encoded ({error})")
        key = storage_key(claim_id, ref.document_id, result.extension)
        await self.store.put_bytes(self.buckets.documents, key, filed, result.content_type)
        return as_filed(result, filed)

    async def inspect(self, data: bytes) -> tuple[Accepted | Rejected, str | None]:
        """The checks of one file's bytes, wherever they come from: size, antivirus, then content (in a thread).
        Also who scanned it (None: nobody). Raises ScannerError when the antivirus gives no verdict."""
        if rejected := size_rejection(data, self.limits.max_file_bytes):
            return rejected, None
        scan = await self.scanner.scan(data)
        if scan.signature:
            return Rejected("infected", scan.signature), scan.scanned_by
        return await asyncio.to_thread(inspect_scan, data, self.limits), scan.scanned_by

    async def _read(self, claim_id: str, ref: DocumentRef) -> bytes | None:
        """From quarantine; once the lifecycle rule emptied it, a resubmitted claim's earlier accepted files are
        read back from the documents bucket."""
        if misplaced(claim_id, ref, self.buckets.quarantine):
            return None
        limit = self.limits.max_file_bytes
        try:
            return await self.store.get_bytes(ref.bucket, ref.object_key, limit=limit)
        except ObjectMissing:
            pass
        for extension in _EXTENSIONS:
            try:
                key = storage_key(claim_id, ref.document_id, extension)
                return await self.store.get_bytes(self.buckets.documents, key, limit=limit)
            except ObjectMissing:
                continue
        return None

    def _note(self, claim_id: str, ref: DocumentRef, result: Accepted | Rejected, scanned_by: str | None) -> dict:
        outcome = "accepted" if isinstance(result, Accepted) else result.code
        flags = list(result.flags) if isinstance(result, Accepted) else []
        antivirus = scanned_by or "not scanned"
        log.log(
            logging.WARNING if flags else logging.INFO,
            "document %s (%s): %s, antivirus: %s, flags: %s",
            ref.document_id,
            ref.doc_type,
            outcome,
            antivirus,
            ", ".join(flags) or "none",
            extra={"claim_id": claim_id},
        )
        return {"document_id": ref.document_id, "outcome": outcome, "antivirus": antivirus, "flags": flags}
