"""The insured registry (the career facts the rules need and the insured's contact), and what campaigns need besides:
sets of ids (who filed a claim, the invitations asked for) and the claims left unfinished. Each in this service's own
collection, looked up by `_id`."""

import json
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import CareerRecord, InsuredContact
from services.runtime.mongo import insert_new

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryEntry:
    """One insured as a campaign reads them; `record` is None when the stored document does not validate."""

    registration_number: str
    record: CareerRecord | None
    contact: InsuredContact | None


class InsuredRegistry:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def find(self, registration_number: str) -> CareerRecord | None:
        return (await self.find_all([registration_number])).get(registration_number)

    async def find_all(self, registration_numbers: Iterable[str]) -> dict[str, CareerRecord]:
        found = self.collection.find({"_id": {"$in": list(registration_numbers)}}, {"contact": 0})
        return {record.pop("_id"): CareerRecord.model_validate(record) async for record in found}

    async def upsert(
        self, registration_number: str, record: CareerRecord, contact: InsuredContact | None = None
    ) -> None:
        document = record.model_dump(mode="json") | {"contact": contact and contact.model_dump(mode="json")}
        await self.collection.replace_one({"_id": registration_number}, document, upsert=True)

    async def batches(self, size: int) -> AsyncIterator[list[RegistryEntry]]:
        """The whole registry, `size` entries at a time: what a campaign holds in memory does not grow with it. The
        records come without their yearly contributions: a campaign judges who is owed a refund, not how much (and
        FerretDB reads a quarter faster without them)."""
        batch: list[RegistryEntry] = []
        async for document in self.collection.find({}, {"contributions": 0}, batch_size=size):
            contact = document.pop("contact", None)
            number = document.pop("_id")
            try:
                batch.append(
                    RegistryEntry(number, CareerRecord.model_validate(document), contact and InsuredContact(**contact))
                )
            except ValidationError as error:
                log.warning("unreadable registry record of %s: %s", number, error.errors()[0]["msg"])
                batch.append(RegistryEntry(number, None, None))
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


class IdSet:
    """A set of ids in a collection of its own, looked up by `_id` only: who filed a claim (registration numbers,
    an insured's own or a deceased's for survivors), the invitations a campaign asked for."""

    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def add(self, ids: Iterable[str], **fields: object) -> None:
        """Add the ids not in the set yet; the first addition's fields stay."""
        await insert_new(self.collection, [{"_id": id_, "added_at": datetime.now(UTC), **fields} for id_ in ids])

    async def among(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        if not wanted:
            return set()
        return {document["_id"] async for document in self.collection.find({"_id": {"$in": wanted}}, {"_id": 1})}


@dataclass(frozen=True)
class UnfinishedClaim:
    """A claim left as a draft or returned for documents, and whom to remind of it."""

    registration_number: str  # the insured's own, or the deceased's for survivors
    claim_id: str
    reference: str
    claimant_type: str
    phone: str
    language: str


class UnfinishedClaims:
    """Per registration number, the claim last started or returned (`unfinished_since`) and the last submission
    (`submitted_at`): it is unfinished while the first is the later. The two come from different topics, read in any
    order: each time only moves forward."""

    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def left(self, claim: UnfinishedClaim, at: datetime) -> None:
        """Kept unless a later one is (an older event read late changes nothing)."""
        fields = {k: v for k, v in vars(claim).items() if k != "registration_number"}
        older = {
            "_id": claim.registration_number,
            "$or": [{"unfinished_since": {"$exists": False}}, {"unfinished_since": {"$lt": at}}],
        }
        update = {"$set": {**fields, "unfinished_since": at}}
        try:
            await self.collection.update_one(older, update, upsert=True)
        except DuplicateKeyError:  # the number is there: with a later claim, or written since the query by a submission
            await self.collection.update_one(older, update)

    async def submitted(self, registration_number: str, at: datetime) -> None:
        await self.collection.update_one({"_id": registration_number}, {"$max": {"submitted_at": at}}, upsert=True)

    async def pending(self) -> AsyncIterator[UnfinishedClaim]:
        async for document in self.collection.find({"unfinished_since": {"$exists": True}}):
            if document.get("submitted_at") is None or document["submitted_at"] < document["unfinished_since"]:
                yield UnfinishedClaim(
                    document["_id"],
                    document["claim_id"],
                    document["reference"],
                    document["claimant_type"],
                    document["phone"],
                    document["language"],
                )


def read_fixture(path: Path) -> dict[str, tuple[CareerRecord, InsuredContact | None]]:
    """`{registration number: (career facts, contact)}` from a JSON file of `{number: {career fields..., "contact":
    {"phone", "language"} (optional)}}`, each record checked strictly (no unknown field)."""
    records = json.loads(path.read_text())
    return {
        number: (
            CareerRecord.model_validate({k: v for k, v in record.items() if k != "contact"}, extra="forbid"),
            InsuredContact.model_validate(record["contact"], extra="forbid") if record.get("contact") else None,
        )
        for number, record in records.items()
    }
