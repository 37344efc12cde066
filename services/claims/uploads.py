"""Read an upload from the request body as it arrives, refusing it as soon as it passes the size limit."""

import tempfile
from typing import IO

from fastapi import HTTPException, Request, status

SPOOL_IN_MEMORY = 1024 * 1024


async def spool_body(request: Request, limit: int) -> tuple[IO[bytes], int]:
    """The body in a temporary file (in memory up to 1 MiB) and its size; 413 past `limit`, 400 if empty."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"file larger than {limit} bytes")
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned to the caller
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            spool.close()
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"file larger than {limit} bytes")
        spool.write(chunk)
    if size == 0:
        spool.close()
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "empty file")
    spool.seek(0)
    return spool, size
