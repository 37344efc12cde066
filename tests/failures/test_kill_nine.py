"""Each service killed with SIGKILL at a random moment of a run, one after the other, then restarted: no claim is
lost, none is decided, given a receipt or sent its SMS twice."""

import asyncio
import random
import time

import pytest

from tests.e2e.stack import SERVICES
from tests.failures.chaos import all_healthy, dead_letters_since, end_offsets, kill_nine
from tests.failures.harness import CLAIMS, ClaimLoad, DeliveryReportsLost

pytestmark = pytest.mark.failure

KNOWN_BUG = ("BUG delivery reports lost across a notifications restart: the service consumes and sends SMS while its "
             "lifespan still joins consumer groups, before uvicorn listens on the dlr-url port, and Kannel does not "
             "retry a failed dlr-url call (nor one made while the service is down)")


async def test_every_service_killed_mid_run_and_restarted_loses_nothing_and_does_nothing_twice(
        stack, producer, mongo, run_id, bootstrap, seed):
    load = ClaimLoad(stack, producer, mongo, run_id)
    insured = await load.enrol(CLAIMS)
    dead_letters = await end_offsets(bootstrap)
    victims = random.sample(SERVICES, len(SERVICES))
    slot_s = max(10.0, CLAIMS / 10)  # one kill in each slot, at a random moment of it, while claims keep coming
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
    reports_lost = None
    try:
        print((await load.check(CLAIMS, started)).line("kill -9 of each service"))
    except DeliveryReportsLost as lost:  # everything else was checked, and held
        reports_lost = lost
    assert await dead_letters_since(bootstrap, dead_letters) == []
    assert set(all_healthy(stack).values()) == {"ready"}
    if reports_lost:
        pytest.xfail(f"{KNOWN_BUG}: {reports_lost}")
