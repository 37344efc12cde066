"""Load insured career facts from a JSON fixture into the registry collection (local run, tests)."""

import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError

from services.eligibility.config import EligibilitySettings
from services.eligibility.registry import InsuredRegistry, read_fixture
from services.runtime.mongo import open_database


async def load(path: Path, settings: EligibilitySettings) -> int:
    records = read_fixture(path)
    client, database = open_database(settings.mongodb_url, settings.database_prefix, "eligibility")
    try:
        registry = InsuredRegistry(database["insured"])
        for number, (record, contact) in records.items():
            await registry.upsert(number, record, contact)
    finally:
        await client.close()
    return len(records)


def main(argv: list[str], settings: EligibilitySettings) -> int:
    if len(argv) != 1:
        print("usage: python -m services.eligibility load-registry FILE.json", file=sys.stderr)
        return 2
    try:
        count = asyncio.run(load(Path(argv[0]), settings))
    except (OSError, ValueError, ValidationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"loaded {count} insured records")
    return 0
