"""The insured registry: the career facts the rules need, in this service's own collection."""

import json
from pathlib import Path
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.eligibility.rules import Insured


class InsuredRegistry:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def find(self, registration_number: str) -> dict[str, Any] | None:
        record = await self.collection.find_one({"_id": registration_number})
        if record is not None:
            record.pop("_id")
        return record

    async def upsert(self, registration_number: str, record: Insured) -> None:
        await self.collection.replace_one(
            {"_id": registration_number},
            record.model_dump(mode="json"),
            upsert=True,
        )


def read_fixture(path: Path) -> dict[str, Insured]:
    """`{registration number: career facts}` from a JSON file, each record checked as the rules read it."""
    return {number: Insured.model_validate(record) for number, record in json.loads(path.read_text()).items()}
