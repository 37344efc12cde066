"""The claims HTTP API, following the portal's steps: create, fill, attach documents, validate, follow.
A claimant reaches only their own claims; agents reach all of them."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import IO, Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request, Response, status

from contracts import DocumentRef, DocumentType
from services.claims import domain
from services.claims.adapters.document_checks import CheckOutcome, ChecksUnavailable, DocumentChecks
from services.claims.auth import Caller
from services.claims.config import ClaimsSettings
from services.claims.form import ClaimFormInput
from services.claims.repository import ClaimsRepository, OpenClaimExists
from services.claims.uploads import spool_body
from services.claims.use_cases import SubmitClaims
from services.runtime.object_store import ObjectStore
from services.runtime.outbox import OutboxRelay
from services.runtime.problems import ApiError, ProblemRoute, problems

ClaimId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
# `/claims/{claim_id}/documents/{document}`: one path, one parameter name (OpenAPI takes no two templates that differ
# by their names only): the type of the document sent (PUT), the id of one sent (GET, DELETE)
DocTypeParam = Annotated[DocumentType, Path(alias="document", description="the type of the document sent")]
DocumentIdParam = Annotated[
    str,
    Path(alias="document", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="a document's id"),
]
LISTED_CLAIMS = 100
# A creation sent twice at once waits this long, at most, for the first one to write its idempotency key.
KEY_WAITS, KEY_WAIT_S = 20, 0.1
log = logging.getLogger(__name__)


def claims_router(
    settings: ClaimsSettings,
    repository: ClaimsRepository,
    submit_claims: SubmitClaims,
    store: ObjectStore,
    relay: OutboxRelay,
    checks: DocumentChecks,
    current_caller: Any,
) -> APIRouter:
    router = APIRouter(prefix="/claims", tags=["claims"], route_class=ProblemRoute, responses=problems(401, 503))
    CallerDep = Annotated[Caller, Depends(current_caller)]

    async def claim_of(claim_id: str, caller: Caller) -> dict:
        claim = await repository.get(claim_id)
        if claim is None or not caller.may_access(claim.get("owner", "")):
            raise ApiError(status.HTTP_404_NOT_FOUND, "claim_not_found", "claim not found")
        return claim

    async def created_before(claim_id: str, caller: Caller, response: Response) -> dict[str, str]:
        claim = await claim_of(claim_id, caller)
        response.status_code = status.HTTP_200_OK
        return {"claim_id": claim_id, "reference": claim["reference"], "status": claim["status"]}

    async def key_written(owner: str, idempotency_key: str) -> str | None:
        for _ in range(KEY_WAITS):
            if known := await repository.claim_for_key(owner, idempotency_key):
                return known
            await asyncio.sleep(KEY_WAIT_S)
        return None

    def editable(claim: dict) -> None:
        if claim["status"] not in ("draft", "returned"):
            raise ApiError(
                status.HTTP_409_CONFLICT, "claim_not_editable", f"claim is {claim['status']}, it can no longer change"
            )

    def files_for_themself(form: ClaimFormInput, caller: Caller) -> None:
        if form.claimant_type == "insured" and form.registration_number != caller.subject and not caller.is_agent:
            raise ApiError(
                status.HTTP_403_FORBIDDEN,
                "not_own_registration_number",
                "an insured files only for their own registration number",
            )

    @router.get("")
    async def list_claims(caller: CallerDep) -> dict[str, list[dict[str, Any]]]:
        """The caller's own claims, newest first ("Mes demandes")."""
        return {"claims": [domain.listed(claim) for claim in await repository.owned_by(caller.subject, LISTED_CLAIMS)]}

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        responses={
            200: {
                "description": "The claim a first call with this `Idempotency-Key` made",
                "content": {
                    "application/json": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}
                },
            },
            **problems(403, 409),
        },
    )
    async def create_claim(
        form: ClaimFormInput,
        caller: CallerDep,
        response: Response,
        idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
        x_correlation_id: Annotated[str | None, Header(max_length=64)] = None,
    ) -> dict[str, str]:
        """Step 2 and 3 of the portal: a new request with its form. Retried with the same `Idempotency-Key`,
        it answers the claim the first call made."""
        files_for_themself(form, caller)
        if idempotency_key and (known := await repository.claim_for_key(caller.subject, idempotency_key)):
            return await created_before(known, caller, response)
        claim_id = str(uuid4())
        reference = domain.reference_for(claim_id, datetime.now(UTC).date())
        drafted = domain.drafted_event(claim_id, form, reference, x_correlation_id or str(uuid4()))
        try:
            await repository.create_draft(drafted, caller.subject, idempotency_key)
        except OpenClaimExists as error:
            # Reserved by the same key at once (a double click): the first call's claim, once it has written the key.
            same_key = idempotency_key and error.reserved_with(caller.subject, idempotency_key)
            if same_key and (known := await key_written(caller.subject, idempotency_key)):
                return await created_before(known, caller, response)
            raise ApiError(
                status.HTTP_409_CONFLICT,
                "open_claim_exists",
                f"this insured already has a claim in progress: {error.claim_id}",
            ) from None
        await relay.publish_pending(claim_id)
        return {"claim_id": claim_id, "reference": reference, "status": "draft"}

    @router.put("/{claim_id}/form", responses=problems(403, 404, 409))
    async def fill_form(claim_id: ClaimId, form: ClaimFormInput, caller: CallerDep) -> dict[str, str]:
        claim = await claim_of(claim_id, caller)
        editable(claim)
        files_for_themself(form, caller)
        if form.registration_number != claim["form"]["registration_number"]:
            raise ApiError(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "registration_number_cannot_change",
                "registration_number cannot change",
            )
        await repository.update_form(claim_id, form.model_dump(mode="json"))
        return {"claim_id": claim_id, "status": claim["status"]}

    @router.put(
        "/{claim_id}/documents/{document}",
        status_code=status.HTTP_201_CREATED,
        openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}, "required": True}},
        responses=problems(400, 404, 409, 413, 422),
    )
    async def attach_document(
        claim_id: ClaimId,
        doc_type: DocTypeParam,
        request: Request,
        caller: CallerDep,
        x_file_name: Annotated[str | None, Header(max_length=2000)] = None,
    ) -> dict[str, Any]:
        """Step 4: one scan (PDF, JPEG or PNG) as the request body. The documents service checks it first: a refused
        file is not kept (422 with its code and reason); an accepted one, filed there, is streamed to quarantine and
        attached.
        Too large: 413 `file_too_large` or `claim_too_large`; empty: 400 `empty_file`; checks out of reach: 503."""
        claim = await claim_of(claim_id, caller)
        editable(claim)
        already = sum(document["size"] for document in claim["documents"].values())
        room = min(settings.max_upload_bytes, settings.max_claim_bytes - already)
        if room <= 0:
            reason = f"the claim's documents already reach {settings.max_claim_bytes} bytes"
            raise ApiError(status.HTTP_413_CONTENT_TOO_LARGE, "claim_too_large", reason)
        try:
            body, size = await spool_body(request, room)
        except HTTPException as error:  # too large, or empty: the codes the documents service gives these files
            code = "file_too_large" if error.status_code == status.HTTP_413_CONTENT_TOO_LARGE else "empty_file"
            raise ApiError(error.status_code, code, str(error.detail)) from None
        document_id = str(uuid4())
        key = f"{claim_id}/{document_id}"
        with body:
            checked = await checked_upload(body, size, claim_id, document_id)
            body.seek(0)
            await store.put_stream(settings.quarantine_bucket, key, body, size, "application/octet-stream")
        ref = DocumentRef(
            document_id=document_id, doc_type=doc_type, bucket=settings.quarantine_bucket, object_key=key, size=size
        )
        about = {
            "file_name": domain.file_name_of(x_file_name),
            "content_type": checked.content_type,
            "pages": checked.pages,
        }
        if not await repository.attach_document(claim_id, ref, about):
            raise ApiError(status.HTTP_409_CONFLICT, "claim_not_editable", "claim can no longer change")
        return {
            "document_id": document_id,
            "doc_type": doc_type,
            "content_type": checked.content_type,
            "pages": checked.pages,
        }

    async def checked_upload(body: IO[bytes], size: int, claim_id: str, document_id: str) -> CheckOutcome:
        try:
            checked = await checks.check(body, size, claim_id, document_id)
        except ChecksUnavailable as error:
            log.warning("the documents service's checks are out of reach: %s", error)
            raise ApiError(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "checks_unavailable",
                "the file cannot be checked right now; nothing was kept, send it again shortly",
                headers={"Retry-After": "5"},
            ) from error
        if not checked.accepted:
            raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, checked.code or "refused", checked.reason or "")
        return checked

    @router.delete(
        "/{claim_id}/documents/{document}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(404, 409)
    )
    async def remove_document(claim_id: ClaimId, document_id: DocumentIdParam, caller: CallerDep) -> None:
        editable(await claim_of(claim_id, caller))
        if not await repository.remove_document(claim_id, document_id):
            raise ApiError(status.HTTP_404_NOT_FOUND, "document_not_found", "document not found")

    @router.post("/{claim_id}/submit", status_code=status.HTTP_202_ACCEPTED, responses=problems(404))
    async def submit_claim(
        claim_id: ClaimId, caller: CallerDep, x_correlation_id: Annotated[str | None, Header(max_length=64)] = None
    ) -> dict[str, str]:
        """Step 5: validate. Submitting again a claim already submitted changes nothing."""
        claim = await claim_of(claim_id, caller)
        form = ClaimFormInput.model_validate(claim["form"])
        await submit_claims.draft(claim, form, x_correlation_id or str(uuid4()))
        await relay.publish_pending(claim_id)
        return {"claim_id": claim_id, "reference": claim["reference"], "status": "submitted"}

    @router.get("/{claim_id}", responses=problems(404))
    async def get_claim(claim_id: ClaimId, caller: CallerDep) -> dict:
        """The claim, its documents and its status timeline, in one call."""
        claim = await claim_of(claim_id, caller)
        return {
            "claim_id": claim_id,
            "reference": claim["reference"],
            "status": claim["status"],
            "form": claim["form"],
            "documents": list(claim["documents"].values()),
            "timeline": domain.sorted_timeline(claim.get("timeline", {})),
        }

    @router.get(
        "/{claim_id}/receipt",
        response_model=None,
        responses={200: {"content": {"application/pdf": {}}, "description": "the receipt PDF"}, **problems(404)},
    )
    async def get_receipt(claim_id: ClaimId, caller: CallerDep, link: bool = False) -> Response | dict[str, str]:
        """Step 5: the deposit receipt, as the PDF or (`link=true`) as a link valid a few minutes."""
        claim = await claim_of(claim_id, caller)
        location = domain.receipt_location(claim.get("timeline", {}))
        if location is None:
            raise ApiError(status.HTTP_404_NOT_FOUND, "receipt_not_ready", "no receipt yet")
        if link:
            url = await store.presigned_url(*location, expires=timedelta(seconds=settings.receipt_link_ttl_s))
            return {"url": url, "expires_in_s": str(settings.receipt_link_ttl_s)}
        pdf = await store.get_bytes(*location, limit=settings.max_upload_bytes)
        disposition = f'attachment; filename="accuse-de-depot-{claim["reference"]}.pdf"'
        return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})

    return router
