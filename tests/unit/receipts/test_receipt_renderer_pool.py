"""The process pool renders receipts concurrently, off the event loop, and gives up on slow ones."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from services.receipts.rendering.pool import ReceiptRenderer, ReceiptRenderTimeout
from services.receipts.rendering.render import render_pdf

from .conftest import CASES, make_view

WORKERS = 2


@pytest.fixture(scope="module")
async def renderer() -> AsyncIterator[ReceiptRenderer]:
    async with ReceiptRenderer(max_workers=WORKERS) as started:
        yield started


def _most_overlapping(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = most = 0
    for _, change in events:
        running += change
        most = max(most, running)
    return most


async def test_start_warms_one_process_per_worker(renderer: ReceiptRenderer) -> None:
    pids = await renderer.start()
    assert len(pids) == WORKERS


async def test_receipts_render_in_parallel_workers_and_match_in_process_rendering(
    renderer: ReceiptRenderer,
) -> None:
    views = [make_view(*case) for case in CASES]
    rendered = await asyncio.gather(*(renderer.render_measured(view) for view in views))
    assert [receipt.pdf for receipt in rendered] == [render_pdf(view) for view in views]
    assert len({receipt.worker_pid for receipt in rendered}) == WORKERS
    assert _most_overlapping([(receipt.started, receipt.finished) for receipt in rendered]) == WORKERS


async def test_the_event_loop_keeps_running_while_receipts_render(renderer: ReceiptRenderer) -> None:
    ticks = 0
    rendering = asyncio.gather(*(renderer.render(make_view(*case)) for case in CASES * 5))  # a few hundred ms
    while not rendering.done():
        await asyncio.sleep(0.01)
        ticks += 1
    pdfs = await rendering
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    assert ticks >= 10


async def test_a_render_slower_than_its_timeout_raises_a_clear_error(renderer: ReceiptRenderer) -> None:
    view = make_view("survivors", True)
    with pytest.raises(ReceiptRenderTimeout, match=f"{view.reference} was not rendered within 0.001 s"):
        await renderer.render(view, timeout_s=0.001)
    assert (await renderer.render(view, timeout_s=30)).startswith(b"%PDF-")
