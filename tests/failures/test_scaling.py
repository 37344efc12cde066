"""Two instances of every service in one consumer group each share the partitions; stopping one of each mid-run
hands its partitions to the other, and every claim still ends once."""

import asyncio
import time

import pytest

from tests.e2e.consumer_groups import GROUPS, wait_for_members
from tests.e2e.stack import SERVICES
from tests.failures.chaos import all_healthy, dead_letters_since, end_offsets
from tests.failures.harness import CLAIMS, ClaimLoad

pytestmark = pytest.mark.failure


async def test_two_instances_share_the_partitions_and_one_leaving_mid_run_loses_nothing(
    stack, producer, mongo, run_id, bootstrap
):
    load = ClaimLoad(stack, producer, mongo, run_id)
    insured = await load.enrol(CLAIMS)
    dead_letters = await end_offsets(bootstrap)
    await asyncio.to_thread(stack.start, *SERVICES, instance=1)
    try:
        members = await wait_for_members(bootstrap, GROUPS, instances=2)
        for group, (service, _) in GROUPS.items():
            assert {client for client, _ in members[group]} == {service}, members[group]
        started = time.monotonic()
        filing = asyncio.create_task(load.file_all(insured, spread_s=CLAIMS / 4))
        await load.wait_until_filed(CLAIMS // 2)
        await asyncio.to_thread(stack.stop, *SERVICES, instance=1)
        alone = await wait_for_members(bootstrap, GROUPS, instances=1)
        for group, (_, topics) in GROUPS.items():
            partitions = {p for _, parts in alone[group] for p in parts}
            assert {p.topic for p in partitions} == set(topics) and len(partitions) == 3 * len(topics), alone[group]
        await filing
    finally:
        await asyncio.to_thread(stack.stop, *SERVICES, instance=1)
    outcome = await load.check(CLAIMS, started)
    print(
        outcome.line("scale 2 -> 1"),
        "; partitions of 2 members:",
        {group: [len(parts) for _, parts in members[group]] for group in ("documents", "claims-timeline")},
    )
    assert await dead_letters_since(bootstrap, dead_letters) == []
    assert set(all_healthy(stack).values()) == {"ready"}
