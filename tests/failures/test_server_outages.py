"""Kafka, MinIO or the MongoDB-compatible server unavailable for 20 seconds in the middle of a run (the process
frozen with SIGSTOP: connections hang, nothing answers, the data survives), then back: the handlers wait or retry,
nothing is dropped to a dead-letter topic, and every claim still ends once."""

import asyncio
import time

import pytest

from tests.failures.chaos import (
    all_healthy,
    committed_offsets,
    dead_letters_since,
    end_offsets,
    freeze,
    replays,
)
from tests.failures.harness import CLAIMS, ClaimLoad

pytestmark = pytest.mark.failure

OUTAGE_S = 20.0


@pytest.mark.parametrize("server", ["kafka", "minio", "ferretdb"])
async def test_a_server_unavailable_for_20_seconds_mid_run_delays_claims_but_loses_none(
    server, stack, producer, mongo, run_id, bootstrap
):
    load = ClaimLoad(stack, producer, mongo, run_id)
    insured = await load.enrol(CLAIMS)
    dead_letters, committed = await end_offsets(bootstrap), await committed_offsets(bootstrap)
    started = time.monotonic()
    filing = asyncio.create_task(load.file_all(insured, spread_s=max(20.0, CLAIMS / 3)))
    await load.wait_until_filed(CLAIMS // 3)
    frozen_at = len(load.filed)
    await freeze(server, OUTAGE_S)
    await filing
    outcome = await load.check(CLAIMS, started)
    outcome.notes.append(f"{server} frozen {OUTAGE_S:.0f}s after claim {frozen_at}")
    print(outcome.line(f"{server} outage"))
    letters = await dead_letters_since(bootstrap, dead_letters)
    assert not (replayed := replays(letters, committed)), (
        f"after the outage, consumer groups read again what they had committed past, back to the start "
        f"(partition: (lowest offset re-read, offset committed before)): {replayed}"
    )
    assert letters == [], [(topic, letter.consumer, letter.reason) for topic, letter in letters[:10]]
    assert set(all_healthy(stack).values()) == {"ready"}
