"""The parts every service opens the same way, and the FastAPI app whose lifespan starts and stops them."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from services.runtime.commits import OffsetCommits
from services.runtime.http import health_router
from services.runtime.kafka import ensure_topics, make_broker, readiness_check
from services.runtime.metrics import measure_lag_forever, metrics_router
from services.runtime.mongo import open_database, write_command_tallies
from services.runtime.object_store import ObjectStore
from services.runtime.outbox import OutboxRelay
from services.runtime.problems import install_problem_handlers
from services.runtime.secrets import require_strong_secrets
from services.runtime.settings import InfraSettings

log = logging.getLogger(__name__)

StartupStep = Callable[[], Awaitable[object]]


class ServiceRuntime:
    def __init__(self, name: str, settings: InfraSettings) -> None:
        require_strong_secrets(name, settings.secrets(), settings.local_mode)
        self.name = name
        self.settings = settings
        self.commits = OffsetCommits()
        self.broker = make_broker(settings.kafka_bootstrap_servers, name, settings.handler_retry_delays_s, self.commits)
        self.mongo, self.database = open_database(settings.mongodb_url, settings.database_prefix, name)
        self.store = ObjectStore(
            settings.minio_endpoint, settings.minio_access_key, settings.minio_secret_key, settings.minio_secure
        )
        self.startup_steps: list[StartupStep] = [
            lambda: ensure_topics(
                settings.kafka_bootstrap_servers, settings.kafka_topic_partitions, settings.kafka_topic_replication
            )
        ]
        self.shutdown_steps: list[StartupStep] = []
        self.periodic_jobs: list[tuple[float, StartupStep]] = []

    def publishes(self, topic: str, event: type[Event]) -> None:
        """Declare what the service publishes (through its outbox), so the AsyncAPI document lists it."""
        self.broker.publisher(topic, schema=event, description=(event.__doc__ or "").strip() or None)

    def relay_for(self, collection: AsyncCollection) -> OutboxRelay:
        relay = OutboxRelay(self.broker, collection)
        self.index(collection, "outbox_pending")
        self.every(self.settings.outbox_retry_interval_s, relay.retry_failed)
        self.every(self.settings.outbox_sweep_interval_s, relay.sweep)  # at start too: what a crash left pending
        self.shutdown_steps.append(relay.remove_sent)
        return relay

    def index(self, collection: AsyncCollection, *fields: str) -> None:
        """Create at start, unless it exists, the index a lookup by something other than `_id` needs."""
        self.startup_steps.append(lambda: collection.create_index([(field, ASCENDING) for field in fields]))

    def every(self, seconds: float, job: StartupStep) -> None:
        """Run `job` at start and then every `seconds` while the service runs; a failed round is logged, the next
        one goes on."""
        self.periodic_jobs.append((seconds, job))

    def http_app(self, *routers: APIRouter) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI):
            for step in self.startup_steps:
                await step()
            await self.broker.start()
            tasks = [
                asyncio.create_task(measure_lag_forever(self.broker)),
                *(asyncio.create_task(_repeat(seconds, job)) for seconds, job in self.periodic_jobs),
            ]
            yield
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # no sweep still publishing once the broker stops
            await self.commits.flush()
            await self.broker.stop()
            for step in self.shutdown_steps:
                await step()
            await self.mongo.close()
            write_command_tallies()  # uvicorn ends the process by its signal: no atexit

        app = FastAPI(title=f"TAAWIDATY {self.name}", lifespan=lifespan)
        install_problem_handlers(app)  # what no route answers (an unknown path) has the same shape
        app.state.broker = self.broker
        for router in (*routers, metrics_router()):
            app.include_router(router)
        app.include_router(
            health_router(
                {
                    "kafka": readiness_check(self.broker),
                    "mongodb": lambda: self.mongo.admin.command("ping"),
                    "minio": self.store.ping,
                }
            )
        )
        return app


async def _repeat(seconds: float, job: StartupStep) -> None:
    while True:
        try:
            await job()
        except Exception:
            log.exception("periodic job %s failed; will try again", getattr(job, "__qualname__", job))
        await asyncio.sleep(seconds)
