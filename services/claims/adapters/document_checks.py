"""The documents service's own checks of one upload, asked over its HTTP API (`PUT /uploads/{claim}/{document}`)
before the file is attached, so a refused scan is known at once instead of after submission; an accepted one is
filed there at once."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO

import httpx

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class CheckOutcome:
    accepted: bool
    content_type: str | None = None
    pages: int | None = None
    code: str | None = None  # a refusal's code (services/documents/file_checks.py, or `infected`)
    reason: str | None = None  # and its English message


class ChecksUnavailable(Exception):
    """The documents service gave no verdict (down, too slow, or failing): the claimant tries again."""


class DocumentChecks:
    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)

    async def check(self, body: IO[bytes], size: int, claim_id: str, document_id: str) -> CheckOutcome:
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        try:
            response = await self.client.put(
                f"/uploads/{claim_id}/{document_id}", content=_chunks(body), headers=headers
            )
        except httpx.HTTPError as error:
            raise ChecksUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code == 413:
            return CheckOutcome(False, code="file_too_large", reason=response.json().get("detail", "too large"))
        if response.status_code != 200:
            raise ChecksUnavailable(f"HTTP {response.status_code}")
        answer = response.json()
        if answer.get("accepted") is True:
            return CheckOutcome(True, content_type=answer["content_type"], pages=answer["pages"])
        return CheckOutcome(False, code=answer["code"], reason=answer["reason"])

    async def close(self) -> None:
        await self.client.aclose()


async def _chunks(body: IO[bytes]) -> AsyncIterator[bytes]:
    while chunk := body.read(CHUNK_BYTES):
        yield chunk
