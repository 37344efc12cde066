"""Each service killed with SIGKILL at a random moment of a run, one after the other, then restarted: no claim is
lost, none is decided, given a receipt or sent its SMS twice."""

import asyncio
import os
import random
import time

import pytest

from tests.e2e.stack import SERVICES
from tests.failures.chaos import all_healthy, dead_letters_since, end_offsets, kill_nine
from tests.failures.harness import ClaimLoad

pytestmark = pytest.mark.failure

CLAIMS = int(os.environ.get("TAAWIDATY_KILL_NINE_CLAIMS", "500"))


async def test_every_service_killed_mid_run_and_restarted_loses_nothing_and_does_nothing_twice(
    stack, producer, mongo, run_id, bootstrap, seed
):
    load = ClaimLoad(stack, producer, mongo, run_id)
    insured = await load.enrol(CLAIMS)
    dead_letters = await end_offsets(bootstrap)
    victims = random.sample(SERVICES, len(SERVICES))
    # One kill in each slot, at a random moment of it, while claims keep coming at one a second: below what the
    # local stack sustains on 2 cores (1.6 claims/s in the load benchmark), so the kills, not a backlog, are tested.
    slot_s = max(10.0, CLAIMS / len(SERVICES))
    started = time.monotonic()
    filing = asyncio.create_task(load.file_all(insured, spread_s=slot_s * len(SERVICES)))
    kills = []
    for index, victim in enumerate(victims):
        await asyncio.sleep(max(0.0, started + (index + random.uniform(0.1, 0.7)) * slot_s - time.monotonic()))
        filed = len(load.filed)
        await asyncio.to_thread(kill_nine, stack, victim)
        down = time.monotonic()
        await asyncio.to_thread(stack.start, victim)
        kills.append(f"{victim} after claim {filed} (back in {time.monotonic() - down:.0f}s)")
    await filing
    print(f"seed {seed}, killed: {', '.join(kills)}")
    # Was a bug: SMS sent by a restarting notifications service before it listened on the dlr-url port, or
    # reported while it was down, never got their delivery report (DeliveryReportsLost). Kannel now retries them.
    print((await load.check(CLAIMS, started)).line("kill -9 of each service"))
    assert await dead_letters_since(bootstrap, dead_letters) == []
    assert set(all_healthy(stack).values()) == {"ready"}
