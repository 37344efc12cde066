"""In-memory fakes of the documents service's ports; tests/integration/test_check_records_port.py runs the same
suite against them and the real server."""

from collections.abc import Sequence
from typing import Any

from contracts import DocumentRef, DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.use_cases import FileCheckNote
from services.runtime.object_store import ObjectMissing
from tests.unit.runtime.fakes import MemoryOutbox

CLAIM_ID = "3f1c-claim"


class MemoryStore:
    """The object store (`Uploads`)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}

    def upload(self, document_id: str, data: bytes, doc_type: str = "identity_card") -> DocumentRef:
        key = f"{CLAIM_ID}/{document_id}"
        self.objects["quarantine", key] = (data, "application/octet-stream")
        return DocumentRef(
            document_id=document_id, doc_type=doc_type, bucket="quarantine", object_key=key, size=len(data)
        )

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes:
        if (bucket, key) not in self.objects:
            raise ObjectMissing(f"{bucket}/{key}")
        return self.objects[bucket, key][0][: limit + 1]

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        self.objects[bucket, key] = (data, content_type)

    def filed(self) -> dict[str, tuple[bytes, str]]:
        return {key: value for (bucket, key), value in self.objects.items() if bucket == "documents"}


class MemoryCheckRecords:
    """`CheckRecords`: the first record of an event stands, its verdict queued in `outbox`."""

    def __init__(self, outbox: MemoryOutbox | None = None) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.outbox = outbox or MemoryOutbox()

    async def already_checked(self, event_id: str) -> bool:
        return event_id in self.records

    async def record(
        self, event_id: str, outcome: DocumentsVerified | DocumentsIncomplete, checks: Sequence[FileCheckNote] = ()
    ) -> None:
        if event_id in self.records:
            return
        topic = Topic.DOCUMENTS_VERIFIED if isinstance(outcome, DocumentsVerified) else Topic.DOCUMENTS_INCOMPLETE
        self.records[event_id] = {"outcome": outcome, "checks": list(checks)}
        self.outbox.add(event_id, (topic, outcome))
