"""Antivirus: clamd over its unix socket (INSTREAM) when the socket exists, otherwise no scan, recorded as such."""

import asyncio
import logging
import struct
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024  # well under clamd's StreamMaxLength, which must exceed the per-file upload limit


@dataclass(frozen=True)
class ScanVerdict:
    scanned_by: str | None  # None: nobody scanned the file
    signature: str | None = None  # the malware found, if any


class ScannerError(RuntimeError):
    """The scanner gave no verdict: a transient failure, the message is retried."""


class VirusScanner(Protocol):
    """Scans a file's bytes; raises ScannerError when it cannot tell."""

    name: str

    async def scan(self, data: bytes) -> ScanVerdict: ...


class NoScanner:
    name = "none"

    async def scan(self, data: bytes) -> ScanVerdict:
        return ScanVerdict(scanned_by=None)


class ClamdScanner:
    name = "clamd"

    def __init__(self, socket_path: str, timeout_s: float = 60.0) -> None:
        self.socket_path = socket_path
        self.timeout_s = timeout_s

    async def scan(self, data: bytes) -> ScanVerdict:
        try:
            reply = await asyncio.wait_for(self._instream(data), self.timeout_s)
        except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
            raise ScannerError(f"clamd at {self.socket_path}: {type(error).__name__}: {error}") from error
        return parse_reply(reply)

    async def _instream(self, data: bytes) -> bytes:
        reader, writer = await asyncio.open_unix_connection(self.socket_path)
        try:
            writer.write(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK_BYTES):
                chunk = data[start : start + CHUNK_BYTES]
                writer.write(struct.pack(">I", len(chunk)) + chunk)
                await writer.drain()
            writer.write(struct.pack(">I", 0))
            await writer.drain()
            return await reader.readuntil(b"\0")
        finally:
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()


def parse_reply(reply: bytes) -> ScanVerdict:
    """`stream: OK`, `stream: <signature> FOUND`; anything else (`... ERROR`) is a ScannerError."""
    text = reply.rstrip(b"\0").decode(errors="replace").strip()
    result = text.removeprefix("stream:").strip()
    if result == "OK":
        return ScanVerdict(scanned_by=ClamdScanner.name)
    if result.endswith(" FOUND") and result[:-6].strip():
        return ScanVerdict(scanned_by=ClamdScanner.name, signature=result[:-6].strip())
    raise ScannerError(f"clamd answered {text[:200]!r}")


def scanner_for(socket_path: str, timeout_s: float) -> VirusScanner:
    """clamd when its socket is there at start-up; otherwise every file is recorded as not scanned."""
    if Path(socket_path).is_socket():
        log.info("antivirus: clamd at %s", socket_path)
        return ClamdScanner(socket_path, timeout_s)
    log.warning("antivirus: no clamd socket at %s, uploads are not scanned", socket_path)
    return NoScanner()
