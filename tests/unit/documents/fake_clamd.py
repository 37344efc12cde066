"""A tiny clamd on a real unix socket, speaking INSTREAM: `FOUND` for the EICAR test string, `OK` otherwise."""

import shutil
import socket
import socketserver
import struct
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.unit.documents.hostile_files import EICAR

SIGNATURE = "Win.Test.EICAR_HDB-1"


@dataclass
class FakeClamd:
    socket_path: str
    streams: list[bytes] = field(default_factory=list)  # every stream received in full
    chunk_sizes: list[list[int]] = field(default_factory=list)
    reply: bytes | None = None  # answer this instead of judging the stream
    delay_s: float = 0.0


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = connection.recv(size - len(data))
        if not part:
            raise ConnectionError("client hung up mid-stream")
        data += part
    return data


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        clamd: FakeClamd = self.server.clamd  # type: ignore[attr-defined]
        if _read_exactly(self.request, 10) != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        stream, sizes = b"", []
        while size := struct.unpack(">I", _read_exactly(self.request, 4))[0]:
            sizes.append(size)
            stream += _read_exactly(self.request, size)
        clamd.streams.append(stream)
        clamd.chunk_sizes.append(sizes)
        time.sleep(clamd.delay_s)
        verdict = f"{SIGNATURE} FOUND" if EICAR in stream else "OK"
        self.request.sendall(clamd.reply or f"stream: {verdict}\0".encode())


def start_fake_clamd() -> tuple[FakeClamd, "socketserver.ThreadingUnixStreamServer", str]:
    directory = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # unix socket paths must stay short
    clamd = FakeClamd(str(Path(directory) / "clamd.ctl"))
    server = socketserver.ThreadingUnixStreamServer(clamd.socket_path, _Handler)
    server.daemon_threads = True
    server.clamd = clamd  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return clamd, server, directory


def stop_fake_clamd(server: "socketserver.ThreadingUnixStreamServer", directory: str) -> None:
    server.shutdown()
    server.server_close()
    shutil.rmtree(directory, ignore_errors=True)
