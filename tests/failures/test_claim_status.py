"""A claim's status is the one its latest event calls for, whatever the order in which the claims service reads the
eight topics of its timeline (one consumer, no order between topics): nothing needs to go wrong for this one.
Was a bug: the status was last-writer-wins, and an accepted claim whose decision was read after its acceptance
showed "decided" for good. A status now only moves forward (services/claims/domain.py STATUS_MAY_FOLLOW)."""

import time
from collections import Counter

import pytest

from tests.failures.harness import CLAIMS, ClaimLoad

pytestmark = pytest.mark.failure


async def test_each_claims_status_follows_its_latest_event_not_the_order_the_topics_are_read_in(
    stack, producer, mongo, run_id
):
    load = ClaimLoad(stack, producer, mongo, run_id)
    insured = await load.enrol(CLAIMS)
    started = time.monotonic()
    await load.file_all(insured, spread_s=CLAIMS / 3)
    print((await load.check(CLAIMS, started)).line("statuses"))
    wrong, seen = [], Counter()
    async for claim in load.claims.find(
        {"_id": {"$in": [f.claim_id for f in load.filed]}}, {"status": 1, "timeline": 1}
    ):
        statuses = {entry["status"] for entry in claim["timeline"].values()}
        expected = "under_inspection" if "selected_for_inspection" in statuses else "accepted"
        seen[(expected, claim["status"])] += 1
        if claim["status"] != expected:
            wrong.append(f"{claim['_id']}: {claim['status']!r}, its timeline ends {expected!r}")
    assert not wrong, (
        f"{len(wrong)} of {CLAIMS} claims show a status their events do not call for {dict(seen)}: {wrong[:5]}"
    )
