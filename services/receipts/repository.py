"""Receipts issued, one per decision event, with their outbox (the `ReceiptRecords` port), and their verification
codes in a collection of their own keyed by the code: a lookup by `_id` on any MongoDB-compatible server."""

from datetime import UTC, datetime

from pymongo.asynchronous.collection import AsyncCollection

from contracts import ReceiptIssued, Topic
from services.receipts.use_cases import CoveredByReceipt
from services.runtime.once import ProcessedEvents
from services.runtime.outbox import AnnounceWritten, nobody_told

_COVERED = {"_id": 0, "reference": 1, "request_date": 1, "registration_number": 1, "document_hashes": 1}


class ReceiptsRepository:
    def __init__(self, collection: AsyncCollection, announce: AnnounceWritten = nobody_told) -> None:
        self.collection = collection
        self.codes = collection.database[f"{collection.name}_codes"]
        self.processed = ProcessedEvents(collection, announce)

    async def already_issued(self, event_id: str) -> bool:
        return await self.processed.already_done(event_id)

    async def by_verification_code(self, code: str) -> CoveredByReceipt | None:
        entry = await self.codes.find_one({"_id": code})
        if entry is None:
            return None
        found = await self.collection.find_one(
            {"_id": entry["receipt_id"], "receipt.verification_code": code}, _COVERED
        )
        return CoveredByReceipt(**found) if found else None

    async def record(self, event_id: str, event: ReceiptIssued, document_hashes: list[str]) -> None:
        fields = {
            "claim_id": event.claim_id,
            "receipt": event.receipt.model_dump(),
            "reference": event.claim.reference,
            "request_date": event.claim.filed_on.isoformat(),
            "registration_number": event.claim.registration_number,
            "document_hashes": document_hashes,
            "issued_at": datetime.now(UTC),
        }
        # The code first, so that no receipt is ever without it (a code whose receipt is not recorded finds nothing).
        code = event.receipt.verification_code
        await self.codes.update_one({"_id": code}, {"$set": {"receipt_id": event_id}}, upsert=True)
        await self.processed.record(event_id, fields, (Topic.RECEIPT_ISSUED, event))
