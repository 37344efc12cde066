"""The back office: the agents' pages, under /agent. The work queues, a claim's file with its documents, the
agents' actions (an inspection's outcome, a decision on a claim in manual review, the approval of a colleague's
acceptance) and the audit trail. Every page is for the `agent` role only; the claims API checks it again, and
decides what an agent may do: the pages show its answers."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.portal import back_office
from services.portal.backend import Backend, BackendError
from services.portal.web import Portal

# What a document may be served as: the claims API's exact types of accepted scans, nothing a browser would run
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
# A document opens on its own, or framed by the claim's file page (same origin only), sandboxed: no script, no form,
# no plugin of its own, no request anywhere
DOCUMENT_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def agent_router(portal: Portal, backend: Backend) -> APIRouter:
    router = APIRouter(prefix="/agent", dependencies=[Depends(portal.agent)])

    async def show_file(
        request: Request,
        claim_id: str,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        posted: dict[str, Any] | None = None,
        refusal: str | None = None,
        form: str | None = None,
    ) -> Response:
        token = await portal.access_token(request)
        file = await backend.claim_file(token, claim_id)
        flash = await portal.take_message(request, "agent_flash")
        flash = flash if flash and flash.get("claim_id") == claim_id else None
        shown = request.query_params.get("document")
        document = next((d for d in file.get("documents") or () if d["document_id"] == shown), None)
        return portal.render(
            request,
            "agent_claim.html.j2",
            status_code=status_code,
            file=file,
            errors=errors or {},
            posted=posted or {},
            refusal=refusal,
            failed_form=form,
            flash=flash,
            document=document,
            names=back_office.beneficiary_names(file["form"]),
        )

    async def done(request: Request, claim_id: str, message: str, **more: Any) -> Response:
        await portal.leave_message(request, "agent_flash", {"claim_id": claim_id, "message": message, **more})
        return portal.redirect(f"/agent/claims/{quote(claim_id, safe='')}#flash")

    async def refused_by_the_api(
        request: Request, claim_id: str, refusal: BackendError, form: str, posted: dict[str, Any]
    ) -> Response:
        if refusal.status == 409:  # the claim is no longer where the page showed it: say why, on its file
            return await show_file(
                request, claim_id, 409, refusal=back_office.refusal_message(refusal.detail), form=form, posted=posted
            )
        if refusal.status == 422:
            return await show_file(request, claim_id, 422, refusal=back_office.FORM_REFUSED, form=form, posted=posted)
        raise refusal

    @router.get("")
    async def home(request: Request) -> Response:
        agent = portal.agent(request)
        own = back_office.queue_agency("inspection", None, agent.get("agency"))
        answer = await backend.agent_queues(await portal.access_token(request), own)
        counts = {q["queue"]: q["count"] for q in answer.get("queues") or ()}
        return portal.render(
            request,
            "agent_home.html.j2",
            counts=counts,
            own_agency=own,
            returned_after_days=answer.get("returned_after_days"),
        )

    @router.get("/queues/{queue}")
    async def queue_page(request: Request, queue: str, page: str = "", agency: str = "") -> Response:
        agent = portal.agent(request)
        if queue not in back_office.QUEUES:
            raise StarletteHTTPException(404)
        chosen = back_office.queue_agency(queue, agency or None, agent.get("agency"))
        answer = await backend.agent_queue(
            await portal.access_token(request), queue, back_office.page_number(page), chosen
        )
        return portal.render(
            request, "agent_queue.html.j2", queue=queue, answer=answer, agency=chosen or back_office.ALL_AGENCIES
        )

    @router.get("/claims/{claim_id}")
    async def claim_file(request: Request, claim_id: str) -> Response:
        return await show_file(request, claim_id)

    @router.get("/claims/{claim_id}/documents/{document_id}")
    async def document(request: Request, claim_id: str, document_id: str) -> Response:
        """The document's bytes as the claims API streams them to this agent, served so that no browser runs
        them: the exact type, no sniffing, a sandbox, never cached."""
        upstream = await backend.open_document(await portal.access_token(request), claim_id, document_id)
        content_type = upstream.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in DOCUMENT_TYPES:
            await upstream.aclose()
            return portal.render(request, "error.html.j2", status_code=502, problem="refused")
        response = StreamingResponse(
            upstream.aiter_bytes(),
            media_type=content_type,
            background=BackgroundTask(upstream.aclose),
            headers={
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
                "Content-Security-Policy": DOCUMENT_POLICY,
                "X-Frame-Options": "SAMEORIGIN",
                "Cross-Origin-Resource-Policy": "same-origin",
            },
        )
        raw = next((value for key, value in upstream.headers.raw if key.lower() == b"content-disposition"), b"")
        if not raw.lower().startswith((b"inline", b"attachment")) or b"\r" in raw or b"\n" in raw:
            raw = b"inline"
        response.raw_headers.append((b"content-disposition", raw))
        if (length := upstream.headers.get("content-length", "")).isdigit() and not upstream.headers.get(
            "content-encoding"
        ):
            response.raw_headers.append((b"content-length", length.encode()))
        return response

    @router.post("/claims/{claim_id}/inspection")
    async def inspection(request: Request, claim_id: str) -> Response:
        posted = await portal.check_form(request)
        shown = {
            "passed": posted.get("passed", ""),
            "reason": posted.get("reason", ""),
            "notes": posted.get("notes", ""),
        }
        body, errors = back_office.inspection_form(posted)
        if body is None:
            return await show_file(request, claim_id, 422, errors=errors, posted=shown, form="inspection")
        try:
            await backend.record_inspection(await portal.access_token(request), claim_id, **body)
        except BackendError as refusal:
            return await refused_by_the_api(request, claim_id, refusal, "inspection", shown)
        return await done(request, claim_id, "inspection_passed" if body["passed"] else "inspection_failed")

    @router.post("/claims/{claim_id}/review")
    async def review(request: Request, claim_id: str) -> Response:
        posted = await portal.check_form(request)
        outcome = "refuse" if posted.get("outcome") == "refuse" else "accept"
        shown = {
            "outcome": outcome,
            "reasons": posted.getlist("reasons"),
            "justification": posted.get("justification", ""),
        }
        body, errors = back_office.review_form(posted)
        if body is None:
            return await show_file(request, claim_id, 422, errors=errors, posted=shown, form=outcome)
        try:
            answer = await backend.review_claim(await portal.access_token(request), claim_id, **body)
        except BackendError as refusal:
            return await refused_by_the_api(request, claim_id, refusal, outcome, shown)
        return await done(request, claim_id, f"review_{outcome}", needs_approval=bool(answer.get("needs_approval")))

    @router.post("/claims/{claim_id}/approval")
    async def approval(request: Request, claim_id: str) -> Response:
        await portal.check_form(request)
        try:
            await backend.approve_review(await portal.access_token(request), claim_id)
        except BackendError as refusal:
            return await refused_by_the_api(request, claim_id, refusal, "approval", {})
        return await done(request, claim_id, "approved")

    @router.get("/audit")
    async def audit(request: Request, claim_id: str = "", agent_id: str = "", page: str = "") -> Response:
        agent = portal.agent(request)
        claim_id, agent_id = claim_id.strip()[:64], agent_id.strip()[:64]  # the API's longest ids
        if not claim_id and not agent_id:
            agent_id = agent["username"]  # by default, the agent's own actions
        answer = await backend.audit(
            await portal.access_token(request),
            claim_id=claim_id or None,
            agent_id=None if claim_id else agent_id,
            page=back_office.page_number(page),
        )
        return portal.render(
            request, "agent_audit.html.j2", answer=answer, claim_id=claim_id, agent_id="" if claim_id else agent_id
        )

    @router.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
    async def unknown(rest: str) -> Response:  # a path of the back office that does not exist, for agents only
        raise StarletteHTTPException(404)

    return router
