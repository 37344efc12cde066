"""The insured registry: the career facts the rules need, in this service's own collection."""

import json
from pathlib import Path

from pymongo.asynchronous.collection import AsyncCollection

from contracts import CareerRecord


class InsuredRegistry:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def find(self, registration_number: str) -> CareerRecord | None:
        record = await self.collection.find_one({"_id": registration_number}, {"_id": 0})
        return None if record is None else CareerRecord.model_validate(record)

    async def upsert(self, registration_number: str, record: CareerRecord) -> None:
        await self.collection.replace_one(
            {"_id": registration_number},
            record.model_dump(mode="json"),
            upsert=True,
        )


def read_fixture(path: Path) -> dict[str, CareerRecord]:
    """`{registration number: career facts}` from a JSON file, each record checked strictly (no unknown field)."""
    records = json.loads(path.read_text())
    return {number: CareerRecord.model_validate(record, extra="forbid") for number, record in records.items()}
