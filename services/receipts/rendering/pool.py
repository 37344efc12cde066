"""Render receipts in a pool of warm worker processes, so WeasyPrint never blocks the event loop."""

import asyncio
import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from services.receipts.rendering.render import render_pdf, warm_up
from services.receipts.rendering.view import ReceiptView

DEFAULT_TIMEOUT = 30.0
WORKER_PING_S = 0.02
WORKER_GC_THRESHOLDS = (50_000, 20, 100)


class ReceiptRenderTimeout(TimeoutError):
    """A receipt took longer than its timeout to render."""


class RenderedReceipt(NamedTuple):
    """A rendered PDF with where and when (``time.monotonic``, system-wide on Linux) it was rendered, and the CPU
    seconds its worker spent on it."""

    pdf: bytes
    worker_pid: int
    started: float
    finished: float
    cpu_s: float


def _render_in_worker(view: ReceiptView) -> RenderedReceipt:
    started, cpu_started = time.monotonic(), time.thread_time()
    pdf = render_pdf(view)
    return RenderedReceipt(pdf, os.getpid(), started, time.monotonic(), time.thread_time() - cpu_started)


def _init_worker() -> None:
    warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


def _worker_pid() -> int:
    time.sleep(WORKER_PING_S)
    return os.getpid()


class ReceiptRenderer:
    """A process pool whose workers keep fonts, stylesheet and template loaded between receipts.

    Workers are started with ``spawn`` (no fork of a threaded event-loop process) and warm themselves up
    once, then freeze what they loaded out of the garbage collector's reach and collect less often: a
    receipt allocates many short-lived objects and default thresholds spend ~7 % of a render in the GC.
    A render that times out keeps its worker busy until it finishes: a process pool cannot cancel a
    running call, only stop waiting for it.
    """

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers or os.cpu_count() or 1
        self._executor = ProcessPoolExecutor(
            max_workers=self.max_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )

    async def start(self) -> set[int]:
        """Start and warm every worker now rather than on the first receipts; returns their process ids."""
        loop = asyncio.get_running_loop()
        pids: set[int] = set()
        while len(pids) < self.max_workers:
            pings = [loop.run_in_executor(self._executor, _worker_pid) for _ in range(self.max_workers)]
            pids.update(await asyncio.gather(*pings))
        return pids

    async def render(self, view: ReceiptView, timeout_s: float = DEFAULT_TIMEOUT) -> bytes:
        return (await self.render_measured(view, timeout_s)).pdf

    async def render_measured(self, view: ReceiptView, timeout_s: float = DEFAULT_TIMEOUT) -> RenderedReceipt:
        rendering = asyncio.get_running_loop().run_in_executor(self._executor, _render_in_worker, view)
        try:
            return await asyncio.wait_for(rendering, timeout_s)
        except TimeoutError as error:
            message = f"receipt {view.reference} was not rendered within {timeout_s:g} s"
            raise ReceiptRenderTimeout(message) from error

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def __aenter__(self) -> "ReceiptRenderer":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close)
