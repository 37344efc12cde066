"""Fixtures for tests against the real servers.

`deploy/local/test.sh` starts Kafka, FerretDB, MinIO, Kannel and Keycloak on 127.0.0.1 (or, where a Docker engine is
reachable, sets TAAWIDATY_SERVERS=testcontainers so Kafka, MongoDB and MinIO come from the official images).
Integration tests fail, never skip, when the servers are not there.
"""

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import identity

# The tests run the services on the repository's published local secrets: the explicit local mode allows it.
os.environ.setdefault("TAAWIDATY_LOCAL_MODE", "true")
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "output"


def _reachable(host_port: str) -> bool:
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


def _local_servers() -> dict[str, str]:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
        "MONGODB_URL": os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27018/"),
        "MINIO_ENDPOINT": os.environ.get("MINIO_ENDPOINT", "127.0.0.1:19000"),
        "MINIO_ACCESS_KEY": os.environ.get("MINIO_ACCESS_KEY", "taawidaty"),
        "MINIO_SECRET_KEY": os.environ.get("MINIO_SECRET_KEY", "taawidaty-local-secret"),
    }
    mongo = env["MONGODB_URL"].split("//", 1)[1].rstrip("/")
    for name, address in (
        ("Kafka", env["KAFKA_BOOTSTRAP_SERVERS"]),
        ("MongoDB", mongo),
        ("MinIO", env["MINIO_ENDPOINT"]),
    ):
        if not _reachable(address):
            pytest.fail(f"{name} is not reachable at {address}: run the tests with deploy/local/test.sh")
    return env


@pytest.fixture(scope="session")
def servers() -> Iterator[dict[str, str]]:
    """Environment variables pointing at real Kafka, MongoDB-compatible and MinIO servers."""
    if os.environ.get("TAAWIDATY_SERVERS") != "testcontainers":
        yield _local_servers()
        return
    from testcontainers.kafka import KafkaContainer
    from testcontainers.minio import MinioContainer
    from testcontainers.mongodb import MongoDbContainer

    with (
        KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka,
        MongoDbContainer("mongo:7") as mongo,
        MinioContainer() as minio,
    ):
        config = minio.get_config()
        yield {
            "KAFKA_BOOTSTRAP_SERVERS": kafka.get_bootstrap_server(),
            "MONGODB_URL": mongo.get_connection_url(),
            "MINIO_ENDPOINT": config["endpoint"],
            "MINIO_ACCESS_KEY": config["access_key"],
            "MINIO_SECRET_KEY": config["secret_key"],
        }


@pytest.fixture(scope="session")
def identity_provider() -> dict[str, str]:
    """The real identity provider (Keycloak, realm `taawidaty`, started by deploy/local/start.sh): the variables the
    services verify its tokens with. Fails, never skips, when it does not answer at the issuer."""
    try:
        response = httpx.get(f"{identity.ISSUER}/.well-known/openid-configuration", timeout=5)
        response.raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(
            f"Keycloak is not reachable at {identity.ISSUER} ({error}): run the tests with "
            "deploy/local/test.sh, or start it with deploy/local/start.sh keycloak"
        )
    discovery = response.json()
    return {
        "OIDC_ISSUER": discovery["issuer"],
        "OIDC_JWKS_URL": discovery["jwks_uri"],
        "OIDC_AUDIENCE": os.environ.get("OIDC_AUDIENCE", "taawidaty"),
        "OIDC_SUBJECT_CLAIM": os.environ.get("OIDC_SUBJECT_CLAIM", "preferred_username"),
    }


@pytest.fixture(scope="session")
def run_id() -> str:
    """Isolates this test run's databases from any other run against the same servers."""
    return f"t{uuid.uuid4().hex[:10]}"
