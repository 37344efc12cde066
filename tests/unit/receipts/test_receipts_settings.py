"""How many consumers of decided claims the receipts service runs: two per render-pool worker unless
KAFKA_PARTITION_WORKERS says otherwise, never more than the topic has partitions."""

import pytest

from services.receipts.config import ReceiptsSettings


@pytest.mark.parametrize(("render_workers", "partitions", "consumers"), [(1, 3, 2), (2, 3, 3), (2, 6, 4), (16, 3, 3)])
def test_two_consumers_per_render_worker_within_the_partitions(render_workers, partitions, consumers, monkeypatch):
    monkeypatch.delenv("KAFKA_PARTITION_WORKERS", raising=False)
    monkeypatch.setenv("KAFKA_TOPIC_PARTITIONS", str(partitions))
    monkeypatch.setenv("RECEIPTS_RENDER_WORKERS", str(render_workers))
    assert ReceiptsSettings().decided_claim_consumers() == consumers


def test_kafka_partition_workers_when_set_is_kept(monkeypatch):
    monkeypatch.setenv("KAFKA_PARTITION_WORKERS", "1")
    monkeypatch.setenv("RECEIPTS_RENDER_WORKERS", "2")
    assert ReceiptsSettings().decided_claim_consumers() == 1
