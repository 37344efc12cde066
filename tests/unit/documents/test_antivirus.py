"""The clamd adapter against a fake clamd on a real unix socket."""

import asyncio
import socket
import tempfile
from pathlib import Path

import pytest

from services.documents.adapters.antivirus import (
    CHUNK_BYTES,
    ClamdScanner,
    NoScanner,
    ScannerError,
    ScanVerdict,
    parse_reply,
    scanner_for,
)
from tests.e2e.samples import pdf_scan
from tests.unit.documents.fake_clamd import SIGNATURE
from tests.unit.documents.hostile_files import EICAR


async def test_the_eicar_test_file_is_reported_infected_with_its_signature(clamd):
    verdict = await ClamdScanner(clamd.socket_path).scan(b"padding " + EICAR)
    assert verdict == ScanVerdict(scanned_by="clamd", signature=SIGNATURE)


async def test_a_clean_file_is_reported_scanned_and_clean(clamd):
    data = pdf_scan()
    assert await ClamdScanner(clamd.socket_path).scan(data) == ScanVerdict(scanned_by="clamd")
    assert clamd.streams == [data]


async def test_a_large_file_is_streamed_in_length_prefixed_chunks_ending_with_a_zero_length_one(clamd):
    data = bytes(range(256)) * (CHUNK_BYTES * 3 // 256 + 7)
    await ClamdScanner(clamd.socket_path).scan(data)
    assert clamd.streams == [data]
    assert len(clamd.chunk_sizes[0]) == 4 and max(clamd.chunk_sizes[0]) == CHUNK_BYTES


async def test_the_event_loop_keeps_running_while_clamd_thinks(clamd):
    clamd.delay_s = 0.3
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    await ClamdScanner(clamd.socket_path).scan(b"hello")
    ticker.cancel()
    assert ticks >= 10


async def test_a_clamd_error_reply_is_a_scanner_error_to_retry(clamd):
    clamd.reply = b"INSTREAM size limit exceeded. ERROR\0"
    with pytest.raises(ScannerError, match="size limit exceeded"):
        await ClamdScanner(clamd.socket_path).scan(b"hello")


async def test_a_clamd_that_does_not_answer_in_time_is_a_scanner_error(clamd):
    clamd.delay_s = 1.0
    with pytest.raises(ScannerError, match="TimeoutError"):
        await ClamdScanner(clamd.socket_path, timeout_s=0.2).scan(b"hello")


async def test_a_socket_nobody_listens_on_is_a_scanner_error():
    with tempfile.TemporaryDirectory(dir="/tmp") as directory:
        path = str(Path(directory) / "clamd.ctl")
        stale = socket.socket(socket.AF_UNIX)
        stale.bind(path)
        stale.close()  # the file stays, like after a clamd crash
        with pytest.raises(ScannerError, match="clamd at"):
            await ClamdScanner(path).scan(b"hello")


@pytest.mark.parametrize(
    "reply, verdict",
    [
        (b"stream: OK\0", ScanVerdict("clamd")),
        (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", ScanVerdict("clamd", "Win.Test.EICAR_HDB-1")),
        (b"stream: Doc.Dropper.Agent-1234 FOUND\n", ScanVerdict("clamd", "Doc.Dropper.Agent-1234")),
    ],
)
def test_clamd_replies_are_read_as_verdicts(reply, verdict):
    assert parse_reply(reply) == verdict


@pytest.mark.parametrize("reply", [b"stream:  FOUND\0", b"stream: Can't allocate memory ERROR\0", b""])
def test_replies_without_a_verdict_are_scanner_errors(reply):
    with pytest.raises(ScannerError):
        parse_reply(reply)


def test_clamd_is_used_only_when_its_socket_exists(clamd):
    assert isinstance(scanner_for(clamd.socket_path, 5), ClamdScanner)
    assert isinstance(scanner_for("/nonexistent/clamd.ctl", 5), NoScanner)
    assert isinstance(scanner_for(str(Path(clamd.socket_path).parent), 5), NoScanner)  # a directory is no socket


async def test_without_clamd_a_file_is_recorded_as_not_scanned():
    assert await NoScanner().scan(EICAR) == ScanVerdict(scanned_by=None)
