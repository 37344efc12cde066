"""Steps 4 and 5 of the seed's guide: the documents, "check your answers" and "Valider", then the claim's page
(confirmation, status and timeline, the receipt) and "Mes demandes"."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.portal.backend import Backend, BackendError, ServiceUnavailable
from services.portal.form_pages import OPEN_STATUSES, open_claim
from services.portal.web import Portal

MAX_FILES_PER_UPLOAD = 10  # in one post; more can follow


def claim_router(portal: Portal, backend: Backend, max_upload_bytes: int) -> APIRouter:
    router = APIRouter()

    async def documents_view(token: str, claim: dict[str, Any]) -> dict[str, Any]:
        checklist = await backend.checklist(claim["form"])
        present = claim["documents"]
        required = [item["doc_type"] for item in checklist["documents"]]
        return {
            "checklist": checklist,
            "files": present,
            "missing": [t for t in required if not any(d["doc_type"] == t for d in present)],
            "others": [d for d in present if d["doc_type"] not in required],
        }

    @router.get("/claims")
    async def my_claims(request: Request) -> Response:
        claims = await backend.my_claims(await portal.access_token(request))
        return portal.render(request, "claims.html.j2", claims=claims, open_statuses=OPEN_STATUSES)

    @router.get("/claims/{claim_id}/documents")
    async def documents(request: Request, claim_id: str) -> Response:
        token = await portal.access_token(request)
        claim = await open_claim(backend, token, claim_id)
        flash = await portal.take_message(request, "flash")
        return portal.render(
            request,
            "documents.html.j2",
            claim=claim,
            flash=flash,
            max_bytes=max_upload_bytes,
            **await documents_view(token, claim),
        )

    async def send_one(token: str, claim_id: str, doc_type: str, upload: UploadFile) -> str | None:
        """None once the file is attached; else the code of why it is not (the documents service's, mostly)."""
        content = await upload.read(max_upload_bytes + 1)
        if len(content) > max_upload_bytes:
            return "file_too_large"
        try:
            await backend.upload(token, claim_id, doc_type, content, upload.filename or "scan")
        except ServiceUnavailable:
            return "unavailable"
        except BackendError as refusal:
            detail = refusal.detail if isinstance(refusal.detail, dict) else {}
            return detail.get("code") or ("file_too_large" if refusal.status == 413 else "refused")
        return None

    @router.post("/claims/{claim_id}/documents/{doc_type}")
    async def upload(request: Request, claim_id: str, doc_type: str) -> Response:
        form = await portal.check_form(request)
        token = await portal.access_token(request)
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        refused, accepted = [], 0
        for upload in uploads[:MAX_FILES_PER_UPLOAD]:
            if code := await send_one(token, claim_id, doc_type, upload):
                refused.append({"file_name": upload.filename, "code": code})
            else:
                accepted += 1
        await portal.leave_message(
            request, "flash", {"doc_type": doc_type, "refused": refused, "accepted": accepted, "nothing": not uploads}
        )
        return portal.redirect(f"/claims/{claim_id}/documents#doc-{doc_type}")

    @router.post("/claims/{claim_id}/documents/{document_id}/remove")
    async def remove(request: Request, claim_id: str, document_id: str) -> Response:
        await portal.check_form(request)
        try:
            await backend.remove_document(await portal.access_token(request), claim_id, document_id)
        except BackendError as refusal:
            if refusal.status != 404:  # already gone: the page shows what is left
                raise
        return portal.redirect(f"/claims/{claim_id}/documents")

    @router.get("/claims/{claim_id}/review")
    async def review(request: Request, claim_id: str) -> Response:
        token = await portal.access_token(request)
        claim = await open_claim(backend, token, claim_id)
        return portal.render(request, "review.html.j2", claim=claim, **await documents_view(token, claim))

    @router.post("/claims/{claim_id}/submit")
    async def submit(request: Request, claim_id: str) -> Response:
        await portal.check_form(request)
        token = await portal.access_token(request)
        claim = await backend.claim(token, claim_id)
        if claim["status"] in OPEN_STATUSES:
            view = await documents_view(token, claim)
            if view["missing"]:
                return portal.render(request, "review.html.j2", status_code=422, claim=claim, **view)
            await backend.submit(token, claim_id)
        return portal.redirect(f"/claims/{claim_id}")

    @router.get("/claims/{claim_id}")
    async def claim_page(request: Request, claim_id: str, fragment: bool = False) -> Response:
        claim = await backend.claim(await portal.access_token(request), claim_id)
        by_status = {entry["status"]: entry for entry in claim["timeline"]}
        template = "claim_status.html.j2" if fragment else "claim.html.j2"
        return portal.render(
            request,
            template,
            claim=claim,
            events=by_status,
            waiting_for_receipt="receipt_issued" not in by_status and claim["status"] not in OPEN_STATUSES,
        )

    @router.get("/claims/{claim_id}/receipt")
    async def receipt(request: Request, claim_id: str) -> Response:
        pdf = await backend.receipt(await portal.access_token(request), claim_id)
        return Response(
            pdf.content,
            media_type="application/pdf",
            headers={"Content-Disposition": pdf.headers["content-disposition"]},
        )

    return router
