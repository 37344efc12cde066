"""Receipts issued, one per decision event, with their outbox."""

from contextlib import suppress
from datetime import UTC, datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import ReceiptIssued, Topic
from services.runtime.outbox import with_outbox


class ReceiptsRepository:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def already_issued(self, source_event_id: str) -> bool:
        return await self.collection.find_one({"_id": source_event_id}, {"_id": 1}) is not None

    async def by_verification_code(self, code: str) -> dict | None:
        return await self.collection.find_one({"receipt.verification_code": code}, {"outbox": 0})

    async def record(self, source_event_id: str, event: ReceiptIssued, document_hashes: list[str]) -> None:
        document = {
            "_id": source_event_id,
            "claim_id": event.claim_id,
            "receipt": event.receipt.model_dump(),
            "reference": event.claim.reference,
            "request_date": event.claim.filed_on.isoformat(),
            "registration_number": event.claim.registration_number,
            "document_hashes": document_hashes,
            "issued_at": datetime.now(UTC),
        }
        with suppress(DuplicateKeyError):
            await self.collection.insert_one(with_outbox(document, (Topic.RECEIPT_ISSUED, event)))
