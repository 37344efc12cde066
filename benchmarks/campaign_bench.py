"""Outreach campaigns over a synthetic registry: the campaign's time and peak memory as the registry grows, and the
invitations' SMS a second through Kannel.

Run from the repository root against the running local servers (deploy/local/start.sh):
``python -m benchmarks.campaign_bench --insured 50000,500000``.

On a fresh database prefix the registry is grown to each size in turn (documents as the eligibility service writes
them, with ten years of contributions; a fixed mix of situations, about 2 % owed a refund with a phone, see
`situation`), then `python -m services.eligibility campaign` runs twice on it: `--dry-run` (counts only), then for
real. Each run is its own process: its peak RSS is its own. The notifications service runs as a process on the
same prefix and sends each invitation through Kannel to the fake SMSC; the rate is invitations whose SMS reached
the SMSC (read from its log, every half second) over the time from the first to the last one (most are sent while
the campaign still reads the registry: the rate is then the campaign's as much as the SMS path's). At the larger
sizes only the invitations not asked for before are new: each size's count is printed.
"""

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from pymongo import AsyncMongoClient

from tests.conftest import OUTPUT, ROOT
from tests.e2e.stack import Stack, stack_environment

TODAY = "2026-12-01"
SEED = 20261201
FAKESMSC_LOG = Path(os.environ.get("FAKESMSC_LOG", "/tmp/taawidaty-run/fakesmsc.log"))
_RECEIVER = re.compile(r"Got message \d+: <\S+ \+(\d+) ")


def situation(rng: random.Random) -> dict:
    """One insured's registry document: mostly people still at work or owed a pension, a few owed a refund."""
    draw = rng.random()
    career: dict = {"contribution_days": rng.randrange(100, 1300), "ceased_activity_on": None}
    if draw < 0.60:  # still at work, years from 60
        career["birth_date"] = f"{rng.randrange(1967, 1995)}-{rng.randrange(1, 13):02d}-15"
    elif draw < 0.75:  # a pension, not a refund
        career |= {"birth_date": "1962-05-10", "contribution_days": 4000, "ceased_activity_on": "2022-06-30"}
    elif draw < 0.85:  # deadline long passed
        career |= {"birth_date": f"{rng.randrange(1940, 1952)}-03-01", "ceased_activity_on": "2008-12-31"}
    elif draw < 0.90:
        career |= {"birth_date": "1961-02-01", "ceased_activity_on": "2021-02-01", "death_date": "2024-01-01"}
    elif draw < 0.97:
        career |= {"birth_date": "1963-06-01", "ceased_activity_on": "2023-01-01", "already_refunded": True}
    elif draw < 0.98:  # owed, P3
        career |= {"birth_date": "1963-06-01", "ceased_activity_on": "2023-01-01"}
    elif draw < 0.985:  # owed, P2, deadline within the year
        career |= {"birth_date": "1958-01-10", "ceased_activity_on": "2022-06-30"}
    elif draw < 0.99:  # owed from their 60th birthday, two months away
        career |= {"birth_date": "1967-02-15", "ceased_activity_on": "2026-06-30"}
    else:  # owed, no phone in the registry
        career |= {"birth_date": "1963-06-01", "ceased_activity_on": "2023-01-01", "no_phone": True}
    no_phone = career.pop("no_phone", False)
    return {
        "birth_date": career.pop("birth_date"),
        "death_date": career.pop("death_date", None),
        "underground_mining_years": 0,
        "has_pension": False,
        "third_party_accident": False,
        "other_scheme": False,
        "already_refunded": career.pop("already_refunded", False),
        "contributions": [
            {"year": year, "salary_share": f"{rng.randrange(500, 5000)}.00", "employer_share": "0.00"}
            for year in range(2010, 2020)
        ],
        **career,
        "contact": None if no_phone else {"phone": "", "language": rng.choice(("fr", "ar"))},
    }


async def grow_registry(mongo_url: str, prefix: str, start: int, stop: int, phone_base: int) -> None:
    client: AsyncMongoClient = AsyncMongoClient(mongo_url)
    registry = client[f"{prefix}_eligibility"]["insured"]
    rng = random.Random(SEED + start)
    try:
        for first in range(start, stop, 5000):
            documents = []
            for index in range(first, min(stop, first + 5000)):
                document = situation(rng) | {"_id": f"{100_000_000 + index}"}
                if document["contact"]:
                    document["contact"]["phone"] = f"+2127{(phone_base + index) % 10**8:08d}"
                documents.append(document)
            await registry.insert_many(documents, ordered=False)
    finally:
        await client.close()


def campaign(env: dict[str, str], *options: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "services.eligibility", "campaign", "--today", TODAY, *options],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.monotonic() - started, done.stdout.strip().splitlines()[-1]


def invited_count(summary: str) -> int:
    return int(re.search(r"invited (\d+) of", summary).group(1))


def peak_mib(summary: str) -> str:
    return re.search(r"peak memory (\d+) MiB", summary).group(1)


def smsc_receivers(offset: int, phone_base: int, size: int) -> tuple[set[str], int]:
    """The bench's phones the fake SMSC received an SMS for in its log from `offset` on, and the new offset."""
    with FAKESMSC_LOG.open("rb") as log:
        log.seek(offset)
        text = log.read()
    complete = text[: text.rfind(b"\n") + 1]
    found = set()
    for match in _RECEIVER.finditer(complete.decode(errors="replace")):
        receiver = match.group(1)
        if receiver.startswith("2127") and 0 <= (int(receiver[4:]) - phone_base) % 10**8 < size:
            found.add(receiver)
    return found, offset + len(complete)


async def main(sizes: list[int]) -> None:
    prefix = f"campaign_{uuid.uuid4().hex[:8]}"
    servers = {name: os.environ[name] for name in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL", "MINIO_ENDPOINT")}
    servers |= {"MINIO_ACCESS_KEY": os.environ["MINIO_ACCESS_KEY"], "MINIO_SECRET_KEY": os.environ["MINIO_SECRET_KEY"]}
    env = stack_environment(servers, prefix)
    stack = Stack(env, OUTPUT / "logs" / prefix)
    stack.start("notifications")
    phone_base = random.randrange(10**8)
    rows, grown, sent = [], 0, set()
    offset = FAKESMSC_LOG.stat().st_size if FAKESMSC_LOG.exists() else 0
    try:
        for size in sizes:
            started = time.monotonic()
            await grow_registry(env["MONGODB_URL"], prefix, grown, size, phone_base)
            grown = size
            generated_s = time.monotonic() - started
            dry_s, dry = campaign(env, "--dry-run")
            real_s, real = campaign(env)
            invited = invited_count(real)
            deadline, first_new, last_new, before = time.monotonic() + 900, None, time.monotonic(), len(sent)
            while len(sent) - before < invited and time.monotonic() < deadline and time.monotonic() - last_new < 60:
                found, offset = smsc_receivers(offset, phone_base, size)
                if found - sent:
                    first_new, last_new = first_new or time.monotonic(), time.monotonic()
                sent |= found
                await asyncio.sleep(0.5)
            delivered = len(sent) - before
            sms_s = last_new - (first_new or last_new)
            rows.append((size, generated_s, dry_s, peak_mib(dry), real_s, peak_mib(real), invited, delivered, sms_s))
            print(f"{size}: {dry}\n{size}: {real}", file=sys.stderr)
    finally:
        stack.stop()
    print(f"campaign over a synthetic registry ({date.today()}, prefix {prefix}; judged on {TODAY})")
    print(
        "| insured | registry written (s) | dry run (s) | dry run peak RSS (MiB) | campaign (s) | campaign peak RSS "
        "(MiB) | insured read /s | invitations | SMS at the SMSC | SMS/s through Kannel |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, generated_s, dry_s, dry_mib, real_s, real_mib, invited, delivered, sms_s in rows:
        print(
            f"| {size:,} | {generated_s:.0f} | {dry_s:.1f} | {dry_mib} | {real_s:.1f} | {real_mib} | "
            f"{size / real_s:,.0f} | {invited:,} | {delivered:,} | {delivered / max(sms_s, 1e-9):.1f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--insured", default="50000,500000", help="registry sizes, comma-separated, increasing")
    arguments = parser.parse_args()
    asyncio.run(main([int(size) for size in arguments.insured.split(",")]))
