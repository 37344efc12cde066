"""The five services started as real processes (`python -m services.<name>`) against the real servers."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVICES = ("claims", "documents", "eligibility", "receipts", "notifications")
BASE_PORT = int(os.environ.get("TAAWIDATY_TEST_BASE_PORT", "28080"))


@dataclass
class Stack:
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{BASE_PORT + SERVICES.index(service)}"

    def start(self, *services: str) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for name in services or SERVICES:
            log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[2],
            )
        for name in services or SERVICES:
            self.wait_ready(name)

    def wait_ready(self, name: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.logs / (name + '.log')}")
            try:
                if httpx.get(f"{self.url(name)}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{name} not ready after {timeout_s}s; see {self.logs / (name + '.log')}")

    def stop(self, *services: str) -> None:
        for name in services or tuple(self.processes):
            process = self.processes.pop(name, None)
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def stack_environment(servers: dict[str, str], run_id: str) -> dict[str, str]:
    env = {**os.environ, **servers, "TAAWIDATY_DATABASE_PREFIX": run_id, "PYTHONUNBUFFERED": "1"}
    for index, name in enumerate(SERVICES):
        env[f"{name.upper()}_HTTP_PORT"] = str(BASE_PORT + index)
    env["NOTIFICATIONS_DELIVERY_REPORT_URL"] = f"http://127.0.0.1:{BASE_PORT + 4}/delivery-reports"
    return env
