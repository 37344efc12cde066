"""The documents service's internal HTTP API: the same checks as a submitted claim's review, on one upload at once
(the claims API asks before it attaches a file), and the checklist of a claimant's situation. No personal data is
kept or returned."""

import logging

from fastapi import APIRouter, HTTPException, Request, status

from contracts import ClaimForm
from services.documents.adapters.antivirus import ScannerError
from services.documents.checklist import checklist
from services.documents.inspection import ACCEPTED_TYPES, Accepted
from services.documents.review import DocumentReview

log = logging.getLogger(__name__)


def documents_router(review: DocumentReview) -> APIRouter:
    router = APIRouter(tags=["documents"])
    max_file_bytes = review.limits.max_file_bytes

    @router.post(
        "/checks", openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}, "required": True}}
    )
    async def check_upload(request: Request) -> dict[str, object]:
        """One file as the request body: `{"accepted": true, "content_type", "pages"}` or
        `{"accepted": false, "code", "reason"}`; 413 past the size limit, 503 when the antivirus gives no verdict."""
        data = await _body(request, max_file_bytes)
        try:
            result, scanned_by = await review.inspect(data)
        except ScannerError as error:
            log.warning("upload check: no antivirus verdict: %s", error)
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the antivirus gave no verdict") from error
        outcome = "accepted" if isinstance(result, Accepted) else result.code
        log.info("upload check: %s, antivirus: %s", outcome, scanned_by or "not scanned")
        if isinstance(result, Accepted):
            return {"accepted": True, "content_type": result.content_type, "pages": result.pages}
        return {"accepted": False, "code": result.code, "reason": result.message}

    @router.post("/checklist")
    async def checklist_for(form: ClaimForm) -> dict[str, object]:
        """The documents a claim with this form needs (DOMAIN.md section 6), the file types taken and the size
        limit, for the portal to state before the upload."""
        return {"documents": checklist(form), "accepted_types": list(ACCEPTED_TYPES), "max_file_bytes": max_file_bytes}

    return router


async def _body(request: Request, limit: int) -> bytes:
    """The whole body (the checks need every byte); 413 as soon as it passes `limit`."""
    too_large = HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"file larger than {limit} bytes")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise too_large
    return bytes(data)
