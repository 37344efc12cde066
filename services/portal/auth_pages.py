"""Signing in and out through the identity provider."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal import i18n
from services.portal.oidc import LoginRequest, SignInFailed
from services.portal.web import AGENT_ROLE, Portal, safe_next

log = logging.getLogger(__name__)


def auth_router(portal: Portal) -> APIRouter:
    router = APIRouter()

    @router.get("/login")
    async def login(request: Request, next: str = "/") -> Response:  # noqa: A002 - the query's name
        session = await portal.session_for_form(request)
        attempt = LoginRequest.new()
        session.data["login"] = {**vars(attempt), "next": safe_next(next)}
        await portal.sessions.save(session, "login")
        return portal.redirect(await portal.oidc.authorization_url(attempt, i18n.current_language.get()))

    @router.get("/auth/callback")
    async def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
        session = request.state.session
        pending = (session.data.get("login") if session else None) or {}
        if error or not code or not pending or state != pending.get("state"):
            log.warning("sign-in not completed: %s", error or "unknown or replayed answer")
            return portal.render(request, "error.html.j2", status_code=400, problem="sign_in")
        try:
            attempt = LoginRequest(pending["state"], pending["nonce"], pending["code_verifier"])
            tokens, identity = await portal.oidc.exchange(code, attempt)
        except SignInFailed as failure:
            log.warning("sign-in refused: %s", failure)
            return portal.render(request, "error.html.j2", status_code=400, problem="sign_in")
        await portal.sessions.delete(session.id)  # a new id once signed in: a planted session id is worth nothing
        request.state.session = await portal.sessions.new(
            {
                "user": {
                    "username": identity.username,
                    "name": identity.name,
                    "roles": list(identity.roles),
                    "agency": identity.agency,
                },
                "tokens": vars(tokens),
            }
        )
        request.state.new_session_id = request.state.session.id
        log.info("signed in", extra={"roles": identity.roles})
        target = pending.get("next") or "/"
        if target == "/" and AGENT_ROLE in identity.roles:  # an agent signing in from the home page: the back office
            target = "/agent"
        return portal.redirect(target)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        await portal.check_form(request)
        session = request.state.session
        id_token = (session.data.get("tokens") or {}).get("id_token", "")
        await portal.sessions.delete(session.id)
        request.state.session = None
        target = await portal.oidc.end_session_url(id_token, f"{portal.public_url}/") if id_token else None
        response = portal.redirect(target or "/")
        portal.cookies.clear_session(response)
        return response

    return router
