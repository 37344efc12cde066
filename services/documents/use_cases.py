"""The documents service's use cases. On a submitted claim: check every scan (where it is, its size, the antivirus,
then its content), file the good ones in the documents bucket under a generated key, images re-encoded (no metadata,
nothing appended), and record the verdict once; rejected files stay in quarantine only. On an upload (`POST
/checks`): the same checks of one file's bytes, nothing kept. They depend on the ports below (the antivirus's is
`adapters.antivirus.VirusScanner`), not on the servers."""

import asyncio
import logging
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypedDict, TypeVar

from contracts import ClaimSubmitted, DocumentRef, DocumentsIncomplete, DocumentsVerified
from services.documents.adapters.antivirus import VirusScanner
from services.documents.domain import misplaced, over_claim_limit, storage_key, verdict
from services.documents.file_checks import Accepted, Limits, Rejected, check_content, size_rejection
from services.documents.reencoding import NotReencodable, as_filed, reencoded
from services.runtime.object_store import ObjectMissing

log = logging.getLogger(__name__)

_EXTENSIONS = ("pdf", "jpg", "png")
Result = TypeVar("Result")


class Uploads(Protocol):
    """The object store, as far as the file checks need it."""

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes: ...

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...


class FileCheckNote(TypedDict):
    """What is kept of one document's checks."""

    document_id: str
    outcome: str  # "accepted" or the rejection's code
    antivirus: str  # who scanned it, or "not scanned"
    flags: list[str]


class CheckRecords(Protocol):
    """One record per checked submission, keyed by the `claims.submitted` event, carrying the verdict to publish."""

    async def already_checked(self, event_id: str) -> bool: ...

    async def record(
        self, event_id: str, outcome: DocumentsVerified | DocumentsIncomplete, checks: Sequence[FileCheckNote]
    ) -> None:
        """Keep the verdict with its outbox; a second record of the same event changes nothing."""


@dataclass(frozen=True)
class Buckets:
    quarantine: str
    documents: str


@dataclass
class CheckedScans:
    results: dict[str, Accepted | Rejected] = field(default_factory=dict)
    checks: list[FileCheckNote] = field(default_factory=list)


class CheckUpload:
    """The checks of one file's bytes, wherever they come from: size, antivirus, then content (in a thread)."""

    def __init__(self, scanner: VirusScanner, limits: Limits) -> None:
        self.scanner, self.limits = scanner, limits

    async def __call__(self, data: bytes) -> tuple[Accepted | Rejected, str | None]:
        """The result and who scanned the file (None: nobody); ScannerError when the antivirus gives no verdict."""
        if rejected := size_rejection(data, self.limits.max_file_bytes):
            return rejected, None
        scan = await self.scanner.scan(data)
        if scan.signature:
            return Rejected("infected", scan.signature), scan.scanned_by
        return await asyncio.to_thread(check_content, data, self.limits), scan.scanned_by


class CheckDocuments:
    def __init__(
        self, store: Uploads, check_upload: CheckUpload, max_claim_bytes: int, buckets: Buckets, records: CheckRecords
    ) -> None:
        self.store, self.check_upload, self.limits = store, check_upload, check_upload.limits
        self.max_claim_bytes, self.buckets, self.records = max_claim_bytes, buckets, records

    async def __call__(self, submitted: ClaimSubmitted) -> str:
        """Check once per event (a redelivery finds its record); the id of the record whose outbox to publish."""
        if not await self.records.already_checked(submitted.event_id):
            checked = await self.check_scans(submitted)
            outcome = verdict(submitted, checked.results, self.buckets.documents)
            await self.records.record(submitted.event_id, outcome, checked.checks)
        return submitted.event_id

    async def check_scans(self, submitted: ClaimSubmitted) -> CheckedScans:
        """The scans are read all at once, then checked all at once: one scan's antivirus, content check and filing
        need not wait for another's. Only the claim's total size depends on the others, counted in their order."""
        claim_id, refs = submitted.claim_id, submitted.documents
        scans = await _together(self._read(claim_id, ref) for ref in refs)
        used, totals = 0, []
        for data in scans:
            used += len(data) if data and len(data) <= self.limits.max_file_bytes else 0
            totals.append(used)
        outcomes = await _together(
            self._check_one(claim_id, ref, data, total) for ref, data, total in zip(refs, scans, totals, strict=True)
        )
        checked = CheckedScans()
        for ref, (result, scanned_by) in zip(refs, outcomes, strict=True):
            checked.results[ref.document_id] = result
            checked.checks.append(_note(claim_id, ref, result, scanned_by))
        return checked

    async def _check_one(
        self, claim_id: str, ref: DocumentRef, data: bytes | None, used: int
    ) -> tuple[Accepted | Rejected, str | None]:
        if rejected := misplaced(claim_id, ref, self.buckets.quarantine):
            return rejected, None
        if data is None:
            return Rejected("not_found", "the file is not among the claim's uploads"), None
        if rejected := size_rejection(data, self.limits.max_file_bytes) or over_claim_limit(used, self.max_claim_bytes):
            return rejected, None
        result, scanned_by = await self.check_upload(data)  # ScannerError propagates: the message is retried
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


async def _together(awaitables: Iterable[Awaitable[Result]]) -> list[Result]:
    """Their results in order; the first failure stops the others and is raised as it is (a `ScannerError` still
    gets the message retried)."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(awaitable) for awaitable in awaitables]
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return [task.result() for task in tasks]


def _note(claim_id: str, ref: DocumentRef, result: Accepted | Rejected, scanned_by: str | None) -> FileCheckNote:
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
