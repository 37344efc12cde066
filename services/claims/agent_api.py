"""The agents' part of the claims API: work queues, a claim's file and its documents, the actions that move a claim
on (inspection outcome, manual-review decision, four-eyes approval), each an event on Kafka, and the audit trail.
Every route is for agents only; every opening of a file or a document and every action is recorded."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from services.claims import domain
from services.claims.api import ClaimId, DocumentIdParam
from services.claims.auth import Caller
from services.claims.config import ClaimsSettings
from services.claims.repository import AuditTrail, ClaimsRepository, Page
from services.claims.use_cases import ActionRefused, AgentActions
from services.runtime.object_store import ObjectStore
from services.runtime.outbox import OutboxRelay
from services.runtime.problems import ApiError, ProblemRoute, problems

PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50
# A document is shown as data, never run: its exact type, no sniffing, and a sandbox with nothing allowed to load.
DOCUMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'",
}
Queue = Literal["inspection", "manual_review", "approval", "returned"]
QUEUE_STATUS: dict[str, str] = {
    "inspection": "under_inspection",
    "manual_review": "manual_review",
    "approval": "awaiting_approval",
    "returned": "returned",
}


@contextmanager
def refused_as_conflict() -> Iterator[None]:
    try:
        yield
    except ActionRefused as refused:
        raise ApiError(status.HTTP_409_CONFLICT, refused.code, refused.reason) from None


def agents_router(
    settings: ClaimsSettings,
    repository: ClaimsRepository,
    audit: AuditTrail,
    actions: AgentActions,
    store: ObjectStore,
    relay: OutboxRelay,
    current_caller: Any,
) -> APIRouter:
    router = APIRouter(tags=["agents"], route_class=ProblemRoute, responses=problems(401, 403, 503))

    async def current_agent(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if not caller.is_agent:
            raise ApiError(status.HTTP_403_FORBIDDEN, "agents_only", "agents only")
        return caller

    AgentDep = Annotated[Caller, Depends(current_agent)]

    async def claim_for(claim_id: str) -> dict:
        claim = await repository.get(claim_id)
        if claim is None:
            raise ApiError(status.HTTP_404_NOT_FOUND, "claim_not_found", "claim not found")
        return claim

    def returned_before() -> datetime:
        return datetime.now(UTC) - timedelta(days=settings.returned_after_days)

    async def queue_page(queue: str, agency: str | None, page: int | None) -> Page:
        """A page of the queue (`page` None: its count only)."""
        return await repository.queue(
            QUEUE_STATUS[queue],
            agency=agency if queue == "inspection" else None,
            before=returned_before() if queue == "returned" else None,
            skip=((page or 1) - 1) * PAGE_SIZE,
            limit=PAGE_SIZE if page else 0,
        )

    @router.get("/agent/queues")
    async def queues(_: AgentDep, agency: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
        """Each queue's count (`agency` filters the inspection queue)."""
        counts = [{"queue": queue, "count": (await queue_page(queue, agency, None)).count} for queue in QUEUE_STATUS]
        return {"queues": counts, "returned_after_days": settings.returned_after_days}

    @router.get("/agent/queues/{queue}")
    async def queue(
        queue: Queue,
        _: AgentDep,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
        agency: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """One queue, the nearest decision deadline first (returned claims: the oldest first), a page at a time;
        each claim's `decision_clock` says "past", "close", "on_time" or "paused"."""
        found = await queue_page(queue, agency, page)
        now = datetime.now(UTC)
        return {
            "queue": queue,
            "count": found.count,
            "page": page,
            "pages": max(1, -(-found.count // PAGE_SIZE)),
            "page_size": PAGE_SIZE,
            "returned_after_days": settings.returned_after_days,
            "claims": [domain.queued(queue, claim, now, settings.decision_warning) for claim in found.items],
        }

    @router.get("/claims/{claim_id}/file", responses=problems(404))
    async def claim_file(claim_id: ClaimId, agent: AgentDep) -> dict[str, Any]:
        """Everything an agent needs to act on a claim, and what they may do now."""
        claim = await claim_for(claim_id)
        await audit.record(agent, "claim_viewed", claim)
        return domain.claim_file(
            claim, agent.subject, settings.approval_above_amount, datetime.now(UTC), settings.decision_warning
        )

    @router.get(
        "/claims/{claim_id}/documents/{document}",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}, **problems(404)},
    )
    async def document(claim_id: ClaimId, document_id: DocumentIdParam, agent: AgentDep) -> Response:
        """An accepted document's stored bytes, served so that a browser shows them and never runs them."""
        claim = await claim_for(claim_id)
        stored = claim.get("verified_documents", {}).get(document_id)
        if stored is None:
            raise ApiError(status.HTTP_404_NOT_FOUND, "document_not_found", "no accepted document with this id")
        await audit.record(
            agent, "document_viewed", claim, {"document_id": document_id, "doc_type": stored["doc_type"]}
        )
        content = await store.get_bytes(stored["bucket"], stored["object_key"], limit=settings.max_upload_bytes)
        extension = stored["object_key"].rsplit(".", 1)[-1]
        disposition = f'inline; filename="{stored["doc_type"]}-{document_id[:8]}.{extension}"'
        return Response(
            content, media_type=stored["content_type"], headers=DOCUMENT_HEADERS | {"Content-Disposition": disposition}
        )

    @router.post("/claims/{claim_id}/inspection", status_code=status.HTTP_202_ACCEPTED, responses=problems(404, 409))
    async def record_inspection(
        claim_id: ClaimId, outcome: domain.InspectionOutcome, agent: AgentDep
    ) -> dict[str, str]:
        """The outcome of the physical inspection of a claim selected for one."""
        with refused_as_conflict():
            await actions.record_inspection(await claim_for(claim_id), agent, outcome)
        await relay.publish_pending(claim_id)
        return {"claim_id": claim_id, "inspection": "passed" if outcome.passed else "failed"}

    @router.post("/claims/{claim_id}/review", status_code=status.HTTP_202_ACCEPTED, responses=problems(404, 409))
    async def decide_review(claim_id: ClaimId, review: domain.ReviewInput, agent: AgentDep) -> dict[str, Any]:
        """Accept (the amount and shares the rules computed) or refuse a claim in manual review. An acceptance
        above the configured amount waits for a second agent's approval."""
        with refused_as_conflict():
            needs_approval = await actions.decide_review(await claim_for(claim_id), agent, review)
        await relay.publish_pending(claim_id)
        return {"claim_id": claim_id, "review": review.outcome, "needs_approval": needs_approval}

    @router.post(
        "/claims/{claim_id}/review/approval", status_code=status.HTTP_202_ACCEPTED, responses=problems(404, 409)
    )
    async def approve_review(claim_id: ClaimId, agent: AgentDep) -> dict[str, Any]:
        """Four eyes: a second agent approves an acceptance that needs it; never the agent who decided it."""
        with refused_as_conflict():
            await actions.approve_review(await claim_for(claim_id), agent)
        await relay.publish_pending(claim_id)
        return {"claim_id": claim_id, "approved": True}

    @router.get("/agent/audit")
    async def audit_trail(
        _: AgentDep,
        claim_id: Annotated[str | None, Query(max_length=64)] = None,
        agent_id: Annotated[str | None, Query(max_length=64)] = None,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    ) -> dict[str, Any]:
        """Who did what and when, for one claim or one agent, newest first."""
        if bool(claim_id) == bool(agent_id):
            raise ApiError(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "claim_or_agent_required", "give either claim_id or agent_id"
            )
        found = await audit.entries(
            claim_id=claim_id, agent_id=agent_id, skip=(page - 1) * AUDIT_PAGE_SIZE, limit=AUDIT_PAGE_SIZE
        )
        return {
            "count": found.count,
            "page": page,
            "pages": max(1, -(-found.count // AUDIT_PAGE_SIZE)),
            "page_size": AUDIT_PAGE_SIZE,
            "entries": [domain.audit_entry(entry) for entry in found.items],
        }

    return router
