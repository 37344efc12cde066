"""Which SMS records the notifications service sends again: those the gateway never took."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from services.notifications.repository import NotificationsRepository

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(minutes=10)


def record(status: str, updated_at: datetime, **fields) -> dict:
    return {
        "_id": f"{uuid.uuid4()}:acceptance",
        "claim_id": "c",
        "correlation_id": "k",
        "kind": "acceptance",
        "to": "+212661000000",
        "text": "Votre demande est acceptée",
        "status": status,
        "attempts": 1,
        "created_at": updated_at,
        "updated_at": updated_at,
        **fields,
    }


async def test_only_sms_the_gateway_never_took_are_claimed_again_and_one_left_sending_only_once(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    collection = client[f"{run_id}_unsent_sms"][f"notifications_{uuid.uuid4().hex[:8]}"]
    repository = NotificationsRepository(collection)
    records = {
        "retry": record("retry", LONG_AGO),
        "left sending": record("sending", LONG_AGO),
        "left sending, already sent again": record("sending", LONG_AGO, reclaimed_at=LONG_AGO),
        "being sent now": record("sending", NOW),
        "taken by the gateway": record("queued", LONG_AGO),
        "delivered": record("delivered", LONG_AGO),
    }
    await collection.insert_many(list(records.values()))
    await repository.unsettled.insert_many([{"_id": r["_id"]} for r in records.values()])  # as claim_for_sending does
    try:
        first = await repository.reclaim_unsent(NOW - timedelta(minutes=5))
        again = await repository.reclaim_unsent(datetime.now(UTC) + timedelta(minutes=5))
        claimed = {name: await collection.find_one({"_id": r["_id"]}) for name, r in records.items()}
    finally:
        await client.close()
    assert sorted(sms.notification_id for sms in first) == sorted(
        records[name]["_id"] for name in ("retry", "left sending")
    )
    assert {sms.text for sms in first} == {"Votre demande est acceptée"}
    assert [claimed[name]["status"] for name in ("retry", "left sending")] == ["sending", "sending"]
    assert [claimed[name]["attempts"] for name in ("retry", "left sending")] == [2, 2]
    assert [sms.notification_id for sms in again] == [records["being sent now"]["_id"]]
