"""The five services started as real processes (`python -m services.<name>`) against the real servers; extra
instances of a service join the same consumer group, as a scaled deployment would."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.claims.config import ClaimsSettings
from services.runtime.faults import CRASH_EXIT_CODE
from tests.conftest import OUTPUT, ROOT
from tests.e2e.consumer_groups import wait_for_members

SERVICES = ("claims", "documents", "eligibility", "receipts", "notifications")
# The portal is a sixth process, started only when asked for (`stack.start("portal")`): `start()` without names, the
# scaling and kill tests go on starting the five above. It serves pages, no Kafka: it is waited for on /health/live.
PROCESSES = (*SERVICES, "portal")
HEALTH_PATH = {"portal": "/health/live"}
BASE_PORT = int(os.environ.get("TAAWIDATY_TEST_BASE_PORT", "28080"))


def port_of(service: str, instance: int = 0) -> int:
    return BASE_PORT + 10 * instance + PROCESSES.index(service)


@dataclass
class Stack:
    env: dict[str, str]
    logs: Path
    processes: dict[tuple[str, int], subprocess.Popen] = field(default_factory=dict)

    def url(self, service: str, instance: int = 0) -> str:
        return f"http://127.0.0.1:{port_of(service, instance)}"

    def start(
        self, *services: str, instance: int = 0, extra_env: dict[str, str] | None = None, wait: bool = True
    ) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for name in services or SERVICES:
            log = open(self.logs / f"{name}-{instance}.log", "ab")  # noqa: SIM115 - kept open for the process
            env = {**self.env, f"{name.upper()}_HTTP_PORT": str(port_of(name, instance)), **(extra_env or {})}
            self.processes[name, instance] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[2],
            )
        for name in (services or SERVICES) if wait else ():
            self.wait_ready(name, instance)

    def wait_ready(self, name: str, instance: int = 0, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.processes[name, instance].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.logs}/{name}-{instance}.log")
            try:
                health = HEALTH_PATH.get(name, "/health/ready")
                if httpx.get(f"{self.url(name, instance)}{health}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{name} not ready after {timeout_s}s; see {self.logs}/{name}-{instance}.log")

    def wait_consuming(self, timeout_s: float = 60) -> None:
        """Until every consumer group is stable with all its partitions held: a claim filed sooner waits out the
        rebalances of the services' first minute."""
        with ThreadPoolExecutor(1) as thread:  # a loop of its own, whether or not the caller's thread runs one
            wait = wait_for_members(self.env["KAFKA_BOOTSTRAP_SERVERS"], timeout_s=timeout_s)
            thread.submit(asyncio.run, wait).result()

    def restart_to_crash_at(
        self, service: str, point: str, marker: Path, extra_env: dict[str, str] | None = None
    ) -> None:
        """Restart `service` so that it dies the first time it reaches `point` (services/runtime/faults.py)."""
        marker.touch()
        self.stop(service)
        self.start(service, extra_env={f"TAAWIDATY_CRASH_{point}": str(marker), **(extra_env or {})})

    async def crashed(self, service: str, marker: Path, timeout_s: float = 60) -> None:
        """Wait until `service` died at its crash point (and removed the marker, so its restart goes on)."""
        deadline = time.monotonic() + timeout_s
        while self.exited(service) is None:
            assert time.monotonic() < deadline, f"{service} did not reach the crash point"
            await asyncio.sleep(0.2)
        assert self.exited(service) == CRASH_EXIT_CODE and not marker.exists()

    def exited(self, service: str, instance: int = 0) -> int | None:
        """The exit code of a service process that ended, or None while it runs."""
        return self.processes[service, instance].poll()

    def stop(self, *services: str, instance: int | None = None) -> None:
        for key in [k for k in self.processes if (not services or k[0] in services) and instance in (None, k[1])]:
            process = self.processes.pop(key)
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def stack_environment(servers: dict[str, str], run_id: str) -> dict[str, str]:
    env = {**os.environ, **servers, "TAAWIDATY_DATABASE_PREFIX": run_id, "PYTHONUNBUFFERED": "1"}
    env["NOTIFICATIONS_DELIVERY_REPORT_URL"] = f"http://127.0.0.1:{port_of('notifications')}/delivery-reports"
    env["CLAIMS_DOCUMENTS_URL"] = f"http://127.0.0.1:{port_of('documents')}"
    local = ClaimsSettings()  # eligibility and notifications take the tests' own tokens too (issue_token)
    for service in ("ELIGIBILITY", "NOTIFICATIONS"):
        env |= {
            f"{service}_JWT_VERIFICATION_KEY": local.jwt_verification_key,
            f"{service}_JWT_ISSUER": local.jwt_issuer,
            f"{service}_JWT_AUDIENCE": local.jwt_audience,
        }
    # An SMS a kill left unsent goes out again within a test's patience (a minute without progress), after Kannel's
    # delivery-report retries (about 60 s when the service is down, a few seconds across a restart).
    env.setdefault("NOTIFICATIONS_UNCONFIRMED_AFTER_S", "40")
    env.setdefault("NOTIFICATIONS_UNSENT_SWEEP_INTERVAL_S", "5")
    return env


def portal_environment(identity: dict[str, str]) -> dict[str, str]:
    """The portal's settings in a test stack (this stack's services, the local Keycloak's `taawidaty-portal` client)
    and the identity provider's OIDC_* variables (`identity`: the `identity_provider` fixture), with which the claims
    and eligibility services verify the RS256 tokens the portal sends on behalf of the signed-in person."""
    backends = {
        f"PORTAL_{name.upper()}_URL": f"http://127.0.0.1:{port_of(name)}"
        for name in ("claims", "documents", "eligibility", "receipts")
    }
    return {
        **identity,
        **backends,
        "PORTAL_OIDC_ISSUER": identity["OIDC_ISSUER"],
        "PORTAL_OIDC_CLIENT_ID": "taawidaty-portal",
        "PORTAL_OIDC_CLIENT_SECRET": os.environ.get("PORTAL_OIDC_CLIENT_SECRET", "taawidaty-portal-local-secret"),
        "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port_of('portal')}",
        "PORTAL_SECURE_COOKIES": "false",
    }


@contextmanager
def running_stack(servers: dict[str, str], run_id: str, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """The five services on a fresh database prefix, the sample insured of deploy/local/fixtures loaded."""
    env = stack_environment(servers, run_id) | (extra_env or {})
    subprocess.run(
        [
            sys.executable,
            "-m",
            "services.eligibility",
            "load-registry",
            str(ROOT / "deploy/local/fixtures/insured.json"),
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    stack = Stack(env, OUTPUT / "logs" / run_id)
    try:
        stack.start()
        stack.wait_consuming()
        yield stack
    finally:
        stack.stop()
