import asyncio

import pytest
from aiokafka.errors import InvalidProducerEpoch, KafkaTimeoutError, OutOfOrderSequenceNumber, ProducerFenced

from services.runtime import publishing
from services.runtime.publishing import UNUSABLE_PRODUCER_EXIT_CODE, publish


class Broker:
    """Takes every message; Kafka's acknowledgement (what `publish` returns with `no_confirm`) fails with `error`."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.published: list[tuple] = []

    async def publish(self, message: bytes, topic: str, no_confirm: bool = False, **options) -> asyncio.Future:
        assert no_confirm  # the acknowledgement is awaited apart
        self.published.append((message, topic, options))
        acknowledgement = asyncio.get_running_loop().create_future()
        if self.error:
            acknowledgement.set_exception(self.error)
        else:
            acknowledgement.set_result(None)
        return acknowledgement


@pytest.fixture
def exit_codes(monkeypatch) -> list[int]:
    codes: list[int] = []

    def exit_now(code: int) -> None:
        codes.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(publishing.os, "_exit", exit_now)
    return codes


async def test_a_publication_reaches_the_broker(exit_codes):
    broker = Broker()
    await publish(broker, b"{}", "claims.submitted.v1", key=b"claim-1")
    assert broker.published == [(b"{}", "claims.submitted.v1", {"key": b"claim-1"})]
    assert exit_codes == []


@pytest.mark.parametrize("error", [OutOfOrderSequenceNumber(), ProducerFenced(), InvalidProducerEpoch()])
async def test_a_producer_kafka_rejects_for_good_ends_the_process_to_be_restarted(error, exit_codes):
    with pytest.raises(SystemExit):
        await publish(Broker(error), b"{}", "claims.submitted.v1", key=b"claim-1")
    assert exit_codes == [UNUSABLE_PRODUCER_EXIT_CODE]


async def test_a_passing_failure_is_left_to_the_handler_s_retries(exit_codes):
    with pytest.raises(KafkaTimeoutError):
        await publish(Broker(KafkaTimeoutError()), b"{}", "claims.submitted.v1", key=b"claim-1")
    assert exit_codes == []
