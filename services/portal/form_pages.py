"""Steps 2 and 3 of the seed's guide: "Créer une demande", then the form (insured or survivors); the same form
changes a claim not yet validated ("Modifier")."""

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal import forms
from services.portal.backend import Backend, BackendError
from services.portal.web import Portal, safe_next

OPEN_STATUSES = ("draft", "returned")


class ClaimNoLongerOpen(Exception):
    """The claim was validated: its form and documents can no longer change; its own page shows where it is."""

    def __init__(self, claim_id: str) -> None:
        super().__init__(claim_id)
        self.claim_id = claim_id


async def open_claim(backend: Backend, token: str, claim_id: str) -> dict[str, Any]:
    claim = await backend.claim(token, claim_id)
    if claim["status"] not in OPEN_STATUSES:
        raise ClaimNoLongerOpen(claim_id)
    return claim


def form_router(portal: Portal, backend: Backend) -> APIRouter:
    router = APIRouter()

    def username(request: Request) -> str:
        return request.state.session.user["username"]

    def show_form(
        request: Request,
        state: dict[str, Any],
        errors: dict[str, str] | None = None,
        claim_id: str | None = None,
        status_code: int = 200,
        problem: str | None = None,
    ) -> Response:
        return portal.render(
            request,
            "claim_form.html.j2",
            status_code=status_code,
            form=state,
            errors=errors or {},
            claim_id=claim_id,
            form_key=secrets.token_urlsafe(16),
            problem=problem,
            next=safe_next(request.query_params.get("next")),
        )

    def show_refusal(
        request: Request, state: dict[str, Any], refusal: BackendError, claim_id: str | None = None
    ) -> Response:
        """The API's refusal next to each field it names; a refusal that names none, above the form."""
        errors = forms.field_errors(refusal.detail)
        return show_form(
            request, state, errors, claim_id=claim_id, status_code=422, problem=None if errors else "refused"
        )

    @router.get("/claims/new")
    async def new_claim(request: Request, type: str = "") -> Response:  # noqa: A002 - the query's name
        token = await portal.access_token(request)
        unfinished = next((c for c in await backend.my_claims(token) if c["status"] in OPEN_STATUSES), None)
        if unfinished is not None:  # a claim being filled is kept: take it up where it was left
            return portal.redirect(f"/claims/{unfinished['claim_id']}/documents")
        if type not in ("insured", "survivors"):
            return portal.render(request, "claim_start.html.j2", invalid=bool(request.query_params))
        state = forms.form_state(
            {"applicant_name": request.state.session.user.get("name", "")}, type, username(request)
        )
        return show_form(request, state)

    @router.post("/claims/new")
    async def create_claim(request: Request) -> Response:
        posted = await portal.check_form(request)
        token = await portal.access_token(request)
        claimant_type = posted.get("claimant_type") if posted.get("claimant_type") == "survivors" else "insured"
        state = forms.form_state(posted, claimant_type, username(request))
        if posted.get("action"):
            return show_form(request, state)
        try:
            created = await backend.create_claim(token, forms.api_form(state), posted.get("form_key", "")[:100])
        except BackendError as refusal:
            if refusal.status == 409:
                return show_form(request, state, status_code=409, problem="open_claim")
            return show_refusal(request, state, refusal)
        return portal.redirect(f"/claims/{created['claim_id']}/documents")

    @router.get("/claims/{claim_id}/form")
    async def change_form(request: Request, claim_id: str) -> Response:
        claim = await open_claim(backend, await portal.access_token(request), claim_id)
        return show_form(request, forms.state_from_claim(claim["form"]), claim_id=claim_id)

    @router.post("/claims/{claim_id}/form")
    async def save_form(request: Request, claim_id: str) -> Response:
        posted = await portal.check_form(request)
        token = await portal.access_token(request)
        claim = await backend.claim(token, claim_id)
        state = forms.form_state(posted, claim["form"]["claimant_type"], username(request))
        if claim["form"]["claimant_type"] == "survivors":
            state["registration_number"] = claim["form"]["registration_number"]  # fixed once the claim exists
        if posted.get("action"):
            return show_form(request, state, claim_id=claim_id)
        try:
            await backend.update_form(token, claim_id, forms.api_form(state))
        except BackendError as refusal:
            if refusal.status == 409:
                return portal.redirect(f"/claims/{claim_id}")
            return show_refusal(request, state, refusal, claim_id)
        return portal.redirect(
            safe_next(posted.get("next")) if posted.get("next", "/") != "/" else f"/claims/{claim_id}/documents"
        )

    return router
