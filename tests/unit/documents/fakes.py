"""In-memory fakes of the documents service's ports; tests/integration/test_check_records_port.py runs the same
suite against them and the real server."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracts import DocumentRef, Topic
from services.documents.domain import FiledUpload
from services.documents.use_cases import Verdict
from services.runtime.object_store import ObjectMissing
from tests.unit.runtime.fakes import MemoryOutbox

CLAIM_ID = "3f1c-claim"


class MemoryStore:
    """The object store (`Uploads`)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.reads: list[tuple[str, str]] = []

    def upload(self, document_id: str, data: bytes, doc_type: str = "identity_card") -> DocumentRef:
        key = f"{CLAIM_ID}/{document_id}"
        self.objects["quarantine", key] = (data, "application/octet-stream")
        return DocumentRef(
            document_id=document_id, doc_type=doc_type, bucket="quarantine", object_key=key, size=len(data)
        )

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes:
        self.reads.append((bucket, key))
        if (bucket, key) not in self.objects:
            raise ObjectMissing(f"{bucket}/{key}")
        return self.objects[bucket, key][0][: limit + 1]

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        self.objects[bucket, key] = (data, content_type)

    async def remove(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)

    def filed(self) -> dict[str, tuple[bytes, str]]:
        return {key: value for (bucket, key), value in self.objects.items() if bucket == "documents"}


class MemoryCheckRecords:
    """`CheckRecords`: the first record of an event stands, its verdict queued in `outbox`."""

    def __init__(self, outbox: MemoryOutbox | None = None) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.outbox = outbox or MemoryOutbox()

    async def checked_among(self, event_ids: Sequence[str]) -> set[str]:
        return set(event_ids) & set(self.records)

    async def record_all(self, verdicts: Sequence[Verdict]) -> None:
        for event_id, outcome, checks in verdicts:
            if event_id in self.records:
                continue
            topic = Topic.DOCUMENTS_VERIFIED if outcome.type == "documents.verified" else Topic.DOCUMENTS_INCOMPLETE
            self.records[event_id] = {"outcome": outcome, "checks": list(checks)}
            self.outbox.add(event_id, (topic, outcome))


@dataclass
class _Upload:
    filed_at: datetime
    record: FiledUpload | None = None
    submitted: bool = False
    expiring: bool = True  # the expiry still looks at it


class MemoryFiledUploads:
    """`FiledUploads`: an upload's record, whether its claim was submitted, and whether the expiry looks at it."""

    def __init__(self) -> None:
        self.uploads: dict[str, _Upload] = {}

    async def filing(self, key: str) -> None:
        self.uploads.setdefault(key, _Upload(datetime.now(UTC)))

    async def record(self, filed: FiledUpload) -> None:
        upload = self.uploads.setdefault(filed.key, _Upload(datetime.now(UTC), expiring=False))
        upload.record = upload.record or filed

    async def submitted(self, keys: Sequence[str]) -> dict[str, FiledUpload]:
        found = {}
        for key in keys:
            if upload := self.uploads.get(key):
                upload.submitted, upload.expiring = True, False
                if upload.record:
                    found[key] = upload.record
        return found

    async def unsubmitted_since(self, before: datetime) -> list[str]:
        return [key for key, u in self.uploads.items() if u.expiring and u.filed_at < before]

    async def forget_unsubmitted(self, key: str) -> bool:
        upload = self.uploads.get(key)
        if upload and upload.submitted and upload.record:
            return False
        if upload:
            upload.record = None
        return True

    async def expired(self, key: str) -> None:
        if upload := self.uploads.get(key):
            upload.expiring = False
