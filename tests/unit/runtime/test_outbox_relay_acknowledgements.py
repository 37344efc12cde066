"""The relay awaits every acknowledgement of what it sent, also after one failed: an error left in a future nobody
awaited is logged by asyncio as "never retrieved", once per entry, in the middle of the operator's logs."""

import asyncio
import gc
from typing import Any

import pytest

from services.runtime.outbox import OutboxRelay


class Unacknowledging:
    """What `OutboxRelay` needs of a broker: every publication sent, none acknowledged."""

    async def publish(self, message: bytes, topic: str, **options: Any) -> asyncio.Future[None]:
        acknowledgement = asyncio.get_running_loop().create_future()
        acknowledgement.set_exception(ConnectionError("no acknowledgement"))
        return acknowledgement


async def test_each_acknowledgement_of_a_document_is_awaited_when_the_first_fails():
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    loop.set_exception_handler(lambda _, context: reported.append(context["message"]))
    relay = OutboxRelay(Unacknowledging(), collection=None)  # type: ignore[arg-type]  # entries announced: no read
    relay.written("c1", {f"e{n}": {"topic": "t", "key": "c1", "value": "{}", "headers": {}} for n in range(3)})
    with pytest.raises(ConnectionError):
        await relay.publish_pending("c1")
    gc.collect()
    await asyncio.sleep(0)
    assert reported == []
