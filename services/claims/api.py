"""The claims HTTP API, following the portal's steps: create, attach documents, validate, follow."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Header, HTTPException, Path, UploadFile, status

from contracts import DocumentRef, DocumentType
from services.claims import domain
from services.claims.config import ClaimsSettings
from services.claims.form import ClaimFormInput
from services.claims.repository import ClaimsRepository
from services.runtime.object_store import ObjectStore
from services.runtime.outbox import OutboxRelay

ClaimId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


def claims_router(settings: ClaimsSettings, repository: ClaimsRepository, store: ObjectStore,
                  relay: OutboxRelay) -> APIRouter:
    router = APIRouter(prefix="/claims", tags=["claims"])

    async def draft_or_404(claim_id: str) -> dict:
        claim = await repository.get(claim_id)
        if claim is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "claim not found")
        return claim

    @router.post("", status_code=status.HTTP_201_CREATED)
    async def create_claim(form: ClaimFormInput) -> dict[str, str]:
        claim_id = str(uuid4())
        now = datetime.now(UTC)
        reference = domain.reference_for(claim_id, now.date())
        await repository.create_draft(claim_id, form.model_dump(mode="json"), reference, now)
        return {"claim_id": claim_id, "reference": reference, "status": "draft"}

    @router.put("/{claim_id}/documents/{doc_type}", status_code=status.HTTP_201_CREATED)
    async def attach_document(claim_id: ClaimId, doc_type: DocumentType, file: UploadFile) -> dict[str, str]:
        await draft_or_404(claim_id)
        size = file.size or 0
        if size > settings.max_upload_bytes:
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                                f"file larger than {settings.max_upload_bytes} bytes")
        document_id = str(uuid4())
        key = f"{claim_id}/{document_id}"
        await store.put_stream(settings.quarantine_bucket, key, file.file, size, "application/octet-stream")
        ref = DocumentRef(document_id=document_id, doc_type=doc_type, bucket=settings.quarantine_bucket,
                          object_key=key, size=size)
        if not await repository.attach_document(claim_id, ref):
            raise HTTPException(status.HTTP_409_CONFLICT, "claim already submitted")
        return {"document_id": document_id, "doc_type": doc_type}

    @router.post("/{claim_id}/submit", status_code=status.HTTP_202_ACCEPTED)
    async def submit_claim(claim_id: ClaimId,
                           x_correlation_id: Annotated[str | None, Header()] = None) -> dict[str, str]:
        claim = await draft_or_404(claim_id)
        if claim["status"] == "draft":
            details = domain.claim_details(
                ClaimFormInput.model_validate(claim["form"]), claim["reference"], datetime.now(UTC).date()
            )
            documents = tuple(DocumentRef.model_validate(d) for d in claim["documents"].values())
            event = domain.submitted_event(claim_id, details, documents, x_correlation_id or str(uuid4()))
            await repository.submit_draft(claim_id, event)
        await relay.publish_pending(claim_id)
        return {"claim_id": claim_id, "reference": claim["reference"], "status": "submitted"}

    @router.get("/{claim_id}")
    async def get_claim(claim_id: ClaimId) -> dict:
        claim = await draft_or_404(claim_id)
        timeline = domain.sorted_timeline(claim.get("timeline", {}))
        return {
            "claim_id": claim_id, "reference": claim["reference"], "form": claim["form"],
            "status": domain.current_status(claim["status"], timeline), "timeline": timeline,
            "documents": list(claim.get("documents", {}).values()),
        }

    return router
