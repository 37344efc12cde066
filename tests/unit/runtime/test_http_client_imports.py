"""The services' async HTTP client (httpx over httpcore) looks for no module while it sends a request.

httpcore imports `sniffio` inside every async request; when it is not installed (anyio 4.16 stopped bringing it),
each of those imports searched the whole import path again: about 0.6 ms of CPU a request."""

import asyncio
import sys

import httpx


class ImportSearches:
    """A finder first on `sys.meta_path` that only counts the modules looked for (it finds none)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name, path=None, target=None):
        self.names.append(name)
        return None


async def _answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while (await reader.readuntil(b"\r\n\r\n")) and not reader.at_eof():
        await reader.readexactly(2)  # the body: b"{}"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()


async def test_an_async_request_searches_the_import_path_for_nothing() -> None:
    server = await asyncio.start_server(_answer_ok, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    searches = ImportSearches()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.post("/echo", content=b"{}")).json() == {}  # connected, modules loaded
            sys.meta_path.insert(0, searches)
            try:
                for _ in range(3):
                    assert (await client.post("/echo", content=b"{}")).status_code == 200
            finally:
                sys.meta_path.remove(searches)
    finally:
        server.close()
    assert searches.names == []
