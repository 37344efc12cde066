"""Receipt rendering: the ReceiptRenderer pool (all cores) against the plain WeasyPrint call, same run, and the CPU
one receipt costs in a worker of the pool.

Run from the repository root: ``python -m benchmarks.receipts_bench [--receipts 60] [--rounds 3]``.
The plain call renders the same standalone HTML sequentially in this process; rounds alternate the two
so that load from other processes on the machine hits both alike. The pool can only beat the plain call
with cores to spare: the load average printed before and after says whether other work took them.
The last line is a floor: what a PDF of a single line costs through the receipt's path.
"""

import argparse
import asyncio
import math
import os
import statistics
import time

import weasyprint

from benchmarks.percentiles import percentile
from services.receipts.rendering.pool import ReceiptRenderer
from services.receipts.rendering.render import PDF_OPTIONS, laid_out, render_html
from services.receipts.rendering.samples import sample_view
from services.receipts.rendering.view import ReceiptView
from tests.e2e.samples import applicant_name_of

TARGET_THROUGHPUT_RATIO = 1.7
TARGET_CPU_MS = 60.0
ONE_LINE_HTML = '<html lang="ar" dir="rtl"><body><p>استرجاع الاشتراكات الأجرية</p></body></html>'


def make_views(count: int) -> list[ReceiptView]:
    """Receipts of distinct people: a name printed once is not drawn again from what earlier receipts left."""
    return [
        sample_view(
            reference=f"RCS-2026-{index:06d}",
            claimant_type="survivors" if index % 3 == 0 else "insured",
            inspection_selected=index % 4 == 0,
        ).model_copy(update={"applicant_name": applicant_name_of(f"{index:09d}")})
        for index in range(count)
    ]


def run_plain(htmls: list[str]) -> tuple[list[float], float]:
    latencies = []
    started = time.perf_counter()
    for html in htmls:
        call_started = time.perf_counter()
        weasyprint.HTML(string=html).write_pdf()
        latencies.append(time.perf_counter() - call_started)
    return latencies, time.perf_counter() - started


async def run_pool(renderer: ReceiptRenderer, views: list[ReceiptView]) -> tuple[list[float], float, list[float]]:
    """Latency of each receipt, the wall time of all, and the CPU seconds a worker spent on each."""
    in_flight = asyncio.Semaphore(renderer.max_workers)
    latencies, costs = [], []

    async def render_one(view: ReceiptView) -> None:
        async with in_flight:
            call_started = time.perf_counter()
            rendered = await renderer.render_measured(view)
            latencies.append(time.perf_counter() - call_started)
            costs.append(rendered.cpu_s)

    started = time.perf_counter()
    await asyncio.gather(*(render_one(view) for view in views))
    return latencies, time.perf_counter() - started, costs


def one_line_pdf_cpu_ms(count: int = 300) -> float:
    """Median CPU of a PDF holding one line of Arabic, through the receipt's own path (its short user-agent
    stylesheet, its kept styles and lines): the least a receipt could cost with WeasyPrint in this process."""
    costs = []
    for index in range(count + 20):
        started = time.process_time()
        laid_out(ONE_LINE_HTML).write_pdf(**PDF_OPTIONS)
        if index >= 20:  # the first ones load fonts and fill what is kept
            costs.append(time.process_time() - started)
    return statistics.median(costs) * 1000


def summary(latencies: list[float], wall_s: float) -> tuple[float, float, float]:
    return statistics.median(latencies) * 1000, percentile(latencies, 0.95) * 1000, len(latencies) / wall_s


async def main(receipts: int, rounds: int, workers: int) -> None:
    load_before = os.getloadavg()[0]
    views = make_views(receipts)
    htmls = [render_html(view) for view in views]
    weasyprint.HTML(string=htmls[0]).write_pdf()
    per_round = math.ceil(receipts / rounds)
    plain_latencies: list[float] = []
    pool_latencies: list[float] = []
    costs: list[float] = []
    plain_wall = pool_wall = 0.0
    async with ReceiptRenderer(max_workers=workers) as renderer:
        for start in range(0, receipts, per_round):
            latencies, wall = run_plain(htmls[start : start + per_round])
            plain_latencies += latencies
            plain_wall += wall
            latencies, wall, round_costs = await run_pool(renderer, views[start : start + per_round])
            pool_latencies += latencies
            pool_wall += wall
            costs += round_costs

    plain = summary(plain_latencies, plain_wall)
    pool = summary(pool_latencies, pool_wall)
    row = "{:34} {:>8} {:>10.1f} {:>8.1f} {:>11.2f}"
    print(f"{'':34} {'receipts':>8} {'median ms':>10} {'p95 ms':>8} {'receipts/s':>11}")
    print(row.format("plain HTML().write_pdf(), 1 proc", receipts, *plain))
    print(row.format(f"ReceiptRenderer, {workers} workers", receipts, *pool))
    print(f"load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}")
    latency_ratio = pool[0] / plain[0]
    throughput_ratio = pool[2] / plain[2]
    latency_verdict = "ok" if latency_ratio <= 1 else "SLOWER"
    print(f"median per receipt: {latency_ratio:.2f}x the plain call ({latency_verdict})")
    target = TARGET_THROUGHPUT_RATIO
    verdict = "ok" if throughput_ratio >= target else "below"
    print(f"throughput: {throughput_ratio:.2f}x the plain call ({verdict}: target {target}x)")
    cpu_ms = statistics.median(costs) * 1000
    cpu_verdict = "ok" if cpu_ms <= TARGET_CPU_MS else "above"
    print(
        f"CPU per receipt in the pool's workers ({len(costs)} receipts): median {cpu_ms:.1f} ms, "
        f"mean {statistics.fmean(costs) * 1000:.1f} ms ({cpu_verdict}: target {TARGET_CPU_MS:.0f} ms)"
    )
    print(f"CPU of a PDF of one line of Arabic through the same path, in this process: {one_line_pdf_cpu_ms():.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.receipts, arguments.rounds, arguments.workers))
