"""The documents service's internal HTTP API: one upload checked and, when accepted, filed at once (the claims API
sends each file there before it attaches it), and the checklist of a claimant's situation. No personal data is
returned."""

import logging

from fastapi import APIRouter, Request, status

from contracts import ClaimForm
from services.documents.adapters.antivirus import ScannerError
from services.documents.checklist import checklist
from services.documents.file_checks import ACCEPTED_TYPES, Accepted
from services.documents.use_cases import FileUpload
from services.runtime.problems import ApiError, ProblemRoute, problems

log = logging.getLogger(__name__)


def documents_router(file_upload: FileUpload) -> APIRouter:
    router = APIRouter(tags=["documents"], route_class=ProblemRoute)
    max_file_bytes = file_upload.check_upload.limits.max_file_bytes

    @router.put(
        "/uploads/{claim_id}/{document_id}",
        # an empty or missing body is a file too: refused as `empty_file`
        openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}, "required": False}},
        responses=problems(413, 503),
    )
    async def check_upload(claim_id: str, document_id: str, request: Request) -> dict[str, object]:
        """One file of a claim as the request body: `{"accepted": true, "content_type", "pages"}` (its copy filed) or
        `{"accepted": false, "code", "reason"}` (nothing kept); 413 `file_too_large` past the size limit, 503
        `antivirus_unavailable` when the antivirus gives no verdict."""
        data = await _body(request, max_file_bytes)
        try:
            result, scanned_by = await file_upload(claim_id, document_id, data)
        except ScannerError as error:
            log.warning("upload check: no antivirus verdict: %s", error)
            raise ApiError(
                status.HTTP_503_SERVICE_UNAVAILABLE, "antivirus_unavailable", "the antivirus gave no verdict"
            ) from error
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
    too_large = ApiError(status.HTTP_413_CONTENT_TOO_LARGE, "file_too_large", f"file larger than {limit} bytes")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise too_large
    return bytes(data)
