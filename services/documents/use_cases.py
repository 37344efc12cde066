"""The documents service's use cases. On an upload (`PUT /uploads/{claim_id}/{document_id}`): check the file (its
size, the antivirus, then its content) and, when it is accepted, file its copy in the documents bucket under a
generated key at once (an image re-encoded: no metadata, nothing appended) and record what the checks found. On a
submitted claim: the verdict from those records, without reading the files again; a scan with no record (uploaded
before uploads were filed so) is read from quarantine and goes through the same checks and filing. Rejected files
are never filed. A claim never submitted loses its filed copies with its quarantine (`ExpireUnsubmitted`). They
depend on the ports below (the antivirus's is `adapters.antivirus.VirusScanner`), not on the servers."""

import asyncio
import logging
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypedDict, TypeVar

from contracts import ClaimSubmitted, DocumentRef, DocumentsIncomplete, DocumentsVerified
from services.documents.adapters.antivirus import VirusScanner
from services.documents.domain import (
    FiledUpload,
    misplaced,
    over_claim_limit,
    possible_storage_keys,
    storage_key,
    unsafe_ids,
    upload_key,
    verdict,
)
from services.documents.file_checks import Accepted, Limits, Rejected, check_content, size_rejection
from services.documents.reencoding import NotReencodable, as_filed, reencoded
from services.runtime.object_store import ObjectMissing

log = logging.getLogger(__name__)

Result = TypeVar("Result")


class Uploads(Protocol):
    """The object store, as far as the file checks need it."""

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes: ...

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...

    async def remove(self, bucket: str, key: str) -> None:
        """Gone afterwards, whether it was there or not."""


class FileCheckNote(TypedDict):
    """What is kept of one document's checks."""

    document_id: str
    outcome: str  # "accepted" or the rejection's code
    antivirus: str  # who scanned it, or "not scanned"
    flags: list[str]


Verdict = tuple[str, DocumentsVerified | DocumentsIncomplete, Sequence[FileCheckNote]]  # and the event's id


class CheckRecords(Protocol):
    """One record per checked submission, keyed by the `claims.submitted` event, carrying the verdict to publish."""

    async def checked_among(self, event_ids: Sequence[str]) -> set[str]: ...

    async def record_all(self, verdicts: Sequence[Verdict]) -> None:
        """Keep each verdict with its outbox, in one write; an event recorded already keeps its first verdict."""


class FiledUploads(Protocol):
    """What the checks of each accepted upload found, keyed `claim_id/document_id` (`upload_key`), and which of
    those uploads' claims were not submitted yet."""

    async def filing(self, key: str) -> None:
        """Before the copy is written: the expiry can find it even if its record never comes."""

    async def record(self, filed: FiledUpload) -> None: ...

    async def submitted(self, keys: Sequence[str]) -> dict[str, FiledUpload]:
        """Mark these uploads submitted, which the expiry then never takes, and return the records still there."""

    async def unsubmitted_since(self, before: datetime) -> list[str]:
        """The uploads filed before then whose claim was not submitted."""

    async def forget_unsubmitted(self, key: str) -> bool:
        """Delete the upload's record unless it was submitted; False when it was (its copy stays)."""

    async def expired(self, key: str) -> None:
        """The upload's copy is gone: the expiry no longer looks at it."""


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


class FileCopies:
    """Files the copy agents will see: an image re-encoded, a PDF as it is; the result then describes that copy."""

    def __init__(self, store: Uploads, bucket: str, max_image_pixels: int) -> None:
        self.store, self.bucket, self.max_image_pixels = store, bucket, max_image_pixels

    async def __call__(self, claim_id: str, document_id: str, data: bytes, result: Accepted) -> Accepted | Rejected:
        try:
            filed = await asyncio.to_thread(reencoded, data, result.content_type, self.max_image_pixels)
        except NotReencodable as error:
            return Rejected("image_unreadable", f"the image could not be re-encoded ({error})")
        await self.store.put_bytes(
            self.bucket, storage_key(claim_id, document_id, result.extension), filed, result.content_type
        )
        return as_filed(result, filed)


class FileUpload:
    """One upload as the claims API receives it: checked, and an accepted one filed and recorded at once, so its
    claim's submission needs neither its bytes nor its checks again."""

    def __init__(self, check_upload: CheckUpload, file_copy: FileCopies, uploads: FiledUploads) -> None:
        self.check_upload, self.file_copy, self.uploads = check_upload, file_copy, uploads

    async def __call__(self, claim_id: str, document_id: str, data: bytes) -> tuple[Accepted | Rejected, str | None]:
        """As `CheckUpload`; an id a storage key cannot take is refused as `bad_reference`."""
        if rejected := unsafe_ids(claim_id, document_id):
            return rejected, None
        # The expiry's entry is written while the file is checked: a refused file leaves it for the expiry to drop.
        checked, _ = await _together([self.check_upload(data), self.uploads.filing(upload_key(claim_id, document_id))])
        result, scanned_by = checked
        if isinstance(result, Accepted):
            result = await self.file_copy(claim_id, document_id, data, result)
            if isinstance(result, Accepted):
                await self.uploads.record(FiledUpload(claim_id, document_id, len(data), result, scanned_by))
        return result, scanned_by


class CheckDocuments:
    def __init__(
        self,
        store: Uploads,
        check_upload: CheckUpload,
        max_claim_bytes: int,
        buckets: Buckets,
        records: CheckRecords,
        uploads: FiledUploads,
    ) -> None:
        self.store, self.check_upload, self.limits = store, check_upload, check_upload.limits
        self.max_claim_bytes, self.buckets, self.records, self.uploads = max_claim_bytes, buckets, records, uploads
        self.file_copy = FileCopies(store, buckets.documents, self.limits.max_image_pixels)

    async def __call__(self, events: Sequence[ClaimSubmitted]) -> list[str]:
        """Each event checked once (a redelivery finds its record), the batch's records read and written together;
        the ids of the records whose outbox to publish, in the events' order."""
        done = await self.records.checked_among([event.event_id for event in events])
        to_check = list({event.event_id: event for event in events if event.event_id not in done}.values())
        keys = [upload_key(event.claim_id, ref.document_id) for event in to_check for ref in event.documents]
        filed = await self.uploads.submitted(keys)
        checked = await _together(self.check_scans(event, _filed_for(event, filed)) for event in to_check)
        await self.records.record_all(
            [
                (event.event_id, verdict(event, scans.results, self.buckets.documents), scans.checks)
                for event, scans in zip(to_check, checked, strict=True)
            ]
        )
        return [event.event_id for event in events]

    async def check_scans(self, submitted: ClaimSubmitted, filed: Mapping[str, FiledUpload] = {}) -> CheckedScans:
        """The scans filed at their upload (`filed`, by document id) need nothing more. The others are read all at
        once, then checked all at once: one scan's antivirus, content check and filing need not wait for another's.
        Only the claim's total size depends on the others, counted in their order."""
        claim_id, refs = submitted.claim_id, submitted.documents
        scans = await _together(_nothing() if ref.document_id in filed else self._read(claim_id, ref) for ref in refs)
        used, totals = 0, []
        for ref, data in zip(refs, scans, strict=True):
            size = ref.size if ref.document_id in filed else len(data or b"")
            used += size if size <= self.limits.max_file_bytes else 0
            totals.append(used)
        outcomes = await _together(
            self._check_one(claim_id, ref, data, total, filed.get(ref.document_id))
            for ref, data, total in zip(refs, scans, totals, strict=True)
        )
        checked = CheckedScans()
        for ref, (result, scanned_by) in zip(refs, outcomes, strict=True):
            checked.results[ref.document_id] = result
            checked.checks.append(_note(claim_id, ref, result, scanned_by))
        return checked

    async def _check_one(
        self, claim_id: str, ref: DocumentRef, data: bytes | None, used: int, filed: FiledUpload | None
    ) -> tuple[Accepted | Rejected, str | None]:
        if rejected := misplaced(claim_id, ref, self.buckets.quarantine):
            return rejected, None
        if filed:
            return over_claim_limit(used, self.max_claim_bytes) or filed.accepted, filed.scanned_by
        if data is None:
            return Rejected("not_found", "the file is not among the claim's uploads"), None
        if rejected := size_rejection(data, self.limits.max_file_bytes) or over_claim_limit(used, self.max_claim_bytes):
            return rejected, None
        result, scanned_by = await self.check_upload(data)  # ScannerError propagates: the message is retried
        if isinstance(result, Accepted):  # made from the very bytes checked, not what the quarantine key holds now
            result = await self.file_copy(claim_id, ref.document_id, data, result)
        return result, scanned_by

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
        for key in possible_storage_keys(upload_key(claim_id, ref.document_id)):
            try:
                return await self.store.get_bytes(self.buckets.documents, key, limit=limit)
            except ObjectMissing:
                continue
        return None


class ExpireUnsubmitted:
    """The copies filed from the uploads of a claim never submitted go when its quarantine does."""

    def __init__(self, store: Uploads, bucket: str, uploads: FiledUploads, after: timedelta) -> None:
        self.store, self.bucket, self.uploads, self.after = store, bucket, uploads, after

    async def __call__(self) -> int:
        """How many copies it removed."""
        removed = 0
        for key in await self.uploads.unsubmitted_since(datetime.now(UTC) - self.after):
            if await self.uploads.forget_unsubmitted(key):
                # a file uploaded again may have had another type
                await _together(self.store.remove(self.bucket, object_key) for object_key in possible_storage_keys(key))
                removed += 1
            await self.uploads.expired(key)
        return removed


def _filed_for(submitted: ClaimSubmitted, filed: Mapping[str, FiledUpload]) -> dict[str, FiledUpload]:
    """The claim's uploads filed as they arrived, by document id: those of the very bytes its references count."""
    found = ((ref, filed.get(upload_key(submitted.claim_id, ref.document_id))) for ref in submitted.documents)
    return {ref.document_id: upload for ref, upload in found if upload and upload.upload_size == ref.size}


async def _nothing() -> None:
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
