"""How many consumers each subscriber on a claim's path runs: one per partition unless KAFKA_PARTITION_WORKERS says
otherwise."""

from services.runtime.settings import InfraSettings


def test_one_consumer_per_partition_by_default(monkeypatch):
    monkeypatch.delenv("KAFKA_PARTITION_WORKERS", raising=False)
    monkeypatch.setenv("KAFKA_TOPIC_PARTITIONS", "6")
    assert InfraSettings().partition_workers() == 6


def test_kafka_partition_workers_when_set_is_kept(monkeypatch):
    monkeypatch.setenv("KAFKA_TOPIC_PARTITIONS", "6")
    monkeypatch.setenv("KAFKA_PARTITION_WORKERS", "2")
    assert InfraSettings().partition_workers() == 2
