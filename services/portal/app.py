"""The portal: the web pages claimants use, rendered on the server, signed in through the identity provider.
It holds no business rule: every answer comes from the services' APIs, called as the signed-in person."""

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.portal.agent_pages import agent_router
from services.portal.auth_pages import auth_router
from services.portal.backend import Backend, BackendError, ServiceUnavailable, ServiceUrls
from services.portal.claim_pages import MAX_FILES_PER_UPLOAD, claim_router
from services.portal.config import PortalSettings
from services.portal.form_pages import ClaimNoLongerOpen, form_router
from services.portal.oidc import OidcClient, ProviderUnavailable
from services.portal.public_pages import public_router
from services.portal.sessions import SessionStore
from services.portal.web import Cookies, ForgedForm, NeedsSignIn, NotAnAgent, Portal, PortalMiddleware
from services.runtime.http import health_router
from services.runtime.mongo import open_database
from services.runtime.secrets import require_strong_secrets

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(settings: PortalSettings) -> FastAPI:
    require_strong_secrets("portal", settings.secrets(), settings.local_mode)
    http = httpx.AsyncClient(timeout=settings.backend_timeout_s)
    mongo, database = open_database(settings.mongodb_url, settings.database_prefix, "portal")
    sessions = SessionStore(
        database["sessions"],
        timedelta(minutes=settings.session_idle_minutes),
        timedelta(hours=settings.session_max_hours),
    )
    oidc = OidcClient(
        http,
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret.get_secret_value(),
        f"{settings.public_url}/auth/callback",
    )
    portal = Portal(
        sessions,
        oidc,
        Cookies(settings.secure_cookies),
        settings.public_url,
        max_form_bytes=MAX_FILES_PER_UPLOAD * (settings.max_upload_bytes + 4096) + 65536,
    )
    backend = Backend(
        http, ServiceUrls(settings.claims_url, settings.documents_url, settings.eligibility_url, settings.receipts_url)
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        await database["sessions"].create_index("seen_at")
        cleanup = asyncio.create_task(_forget_expired_sessions(sessions))
        yield
        cleanup.cancel()
        with suppress(asyncio.CancelledError):
            await cleanup
        await http.aclose()
        await mongo.close()

    app = FastAPI(title="TAAWIDATY portal", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(PortalMiddleware, portal=portal)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        public_router(portal, backend),
        auth_router(portal),
        form_router(portal, backend),
        claim_router(portal, backend, settings.max_upload_bytes),
        agent_router(portal, backend),
    ):
        app.include_router(router)
    # Ready with its sessions' database: the public pages and the receipt check work without the identity provider
    app.include_router(health_router({"mongodb": lambda: mongo.admin.command("ping")}))
    _answer_problems(app, portal)
    return app


def _answer_problems(app: FastAPI, portal: Portal) -> None:
    @app.exception_handler(NeedsSignIn)
    async def sign_in_first(request: Request, _: NeedsSignIn) -> Response:
        if request.method != "GET":
            return portal.render(request, "error.html.j2", status_code=401, problem="signed_out")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return portal.redirect(f"/login?{urlencode({'next': target})}")

    @app.exception_handler(ClaimNoLongerOpen)
    async def validated(_: Request, error: ClaimNoLongerOpen) -> Response:
        return portal.redirect(f"/claims/{error.claim_id}")

    @app.exception_handler(NotAnAgent)
    async def agents_only(request: Request, _: NotAnAgent) -> Response:
        return portal.render(request, "error.html.j2", status_code=403, problem="agents_only")

    @app.exception_handler(ForgedForm)
    async def forged(request: Request, error: ForgedForm) -> Response:
        log.warning("form refused: %s", error)
        return portal.render(request, "error.html.j2", status_code=403, problem="forged")

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(ProviderUnavailable)
    async def unavailable(request: Request, error: Exception) -> Response:
        log.error("service unavailable: %s", error)
        return portal.render(request, "error.html.j2", status_code=503, problem="unavailable")

    @app.exception_handler(BackendError)
    async def refused(request: Request, error: BackendError) -> Response:
        if error.status == 401 and request.state.session:  # the APIs no longer take the session's token: sign in again
            await portal.sign_out_here(request.state.session)
            return await sign_in_first(request, NeedsSignIn())
        status = error.status if error.status in (403, 404, 409) else 400
        return portal.render(
            request, "error.html.j2", status_code=status, problem="not_found" if status in (403, 404) else "refused"
        )

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, _: RequestValidationError) -> Response:
        return portal.render(request, "error.html.j2", status_code=400, problem="refused")

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, error: StarletteHTTPException) -> Response:
        return portal.render(
            request,
            "error.html.j2",
            status_code=error.status_code,
            problem="not_found" if error.status_code == 404 else "refused",
        )


async def _forget_expired_sessions(sessions: SessionStore) -> None:
    while True:
        try:
            await sessions.forget_expired()
        except Exception:
            log.exception("expired sessions not removed; will try again")
        await asyncio.sleep(600)
