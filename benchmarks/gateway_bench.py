"""The SMS gateway alone: Kannel's sendsms through the notifications service's adapter, each send asking for delivery
reports as the service's do, over a few connection counts.

Run from the repository root with the local servers started: ``python -m benchmarks.gateway_bench [--sends 1500]``.
The SMS go to the fake SMSC; their delivery reports come back to a small server of this script, which answers each
at once (the notifications service is not measured). Without TCP_NODELAY on Kannel's connections
(deploy/docker/kannel/tcp-nodelay.c), each send waited about 44 ms for a delayed ACK.
"""

import argparse
import asyncio
import os
import time

from benchmarks.percentiles import percentile
from services.notifications.adapters.gateway import KannelGateway
from services.notifications.use_cases import SENDS_AT_ONCE

CONNECTION_COUNTS = (1, 4, 16)
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


async def answer_report(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(ANSWER)
    await writer.drain()
    writer.close()


async def sends(gateway: KannelGateway, count: int, report_url: str) -> tuple[float, list[float]]:
    """(sends a second, each send's seconds), `SENDS_AT_ONCE` waiting for their answer as the service does."""
    at_once = asyncio.Semaphore(SENDS_AT_ONCE)
    took: list[float] = []

    async def send(index: int) -> None:
        async with at_once:
            started = time.perf_counter()
            await gateway.send("+212612345678", f"gateway bench {index}", report_url)
            took.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(send(index) for index in range(count)))
    return count / (time.perf_counter() - started), took


async def main(count: int) -> None:
    reports = await asyncio.start_server(answer_report, "127.0.0.1", 0)
    report_url = f"http://127.0.0.1:{reports.sockets[0].getsockname()[1]}/delivery-reports?id=bench&type=%d"
    url = os.environ.get("KANNEL_SENDSMS_URL", "http://127.0.0.1:13013/cgi-bin/sendsms")
    username, password = os.environ.get("KANNEL_USERNAME", "taawidaty"), os.environ["KANNEL_PASSWORD"]
    async with reports:
        for connections in CONNECTION_COUNTS:
            gateway = KannelGateway(url, username, password, "CNSS", connections=connections)
            try:
                await sends(gateway, SENDS_AT_ONCE, report_url)  # the connections opened
                rate, took = await sends(gateway, count, report_url)
            finally:
                await gateway.close()
            print(
                f"{connections:3d} connections: {rate:6.0f} sends/s, a send p50 {1000 * percentile(took, 0.5):6.1f} ms"
                f", p95 {1000 * percentile(took, 0.95):6.1f} ms ({count} sends, {SENDS_AT_ONCE} at once)"
            )
            await asyncio.sleep(2)  # the delivery reports of this round delivered


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=1500)
    asyncio.run(main(parser.parse_args().sends))
