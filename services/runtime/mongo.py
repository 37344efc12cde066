"""One async MongoDB client per process; each service uses its own database."""

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


def open_database(url: str, prefix: str, service: str) -> tuple[AsyncMongoClient, AsyncDatabase]:
    client: AsyncMongoClient = AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=5000)
    return client, client[f"{prefix}_{service}"]
