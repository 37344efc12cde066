"""What every page shares: the visitor's session and language, the anti-forgery checks, the security headers and
the rendering of a template in the visitor's language."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import time
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.datastructures import FormData
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from services.portal import back_office, i18n, words
from services.portal.oidc import OidcClient, SignInFailed, origin_of
from services.portal.sessions import Session, SessionStore

LANGUAGE_COOKIE = "lang"
AGENT_ROLE = "agent"  # the identity provider's realm role of CNSS agents (the back office, /agent)


class NeedsSignIn(Exception):
    """The page is for signed-in people; the visitor is sent to the identity provider, then back here."""


class NotAnAgent(Exception):
    """A signed-in person without the agent role asked for a page of the back office."""


def is_agent(user: dict[str, Any] | None) -> bool:
    return bool(user) and AGENT_ROLE in (user or {}).get("roles", ())


class ForgedForm(Exception):
    """A form post from another site, or without this session's anti-forgery token."""


@dataclass(frozen=True)
class Cookies:
    secure: bool

    @property
    def session(self) -> str:  # the __Host- prefix pins the cookie to this host, over HTTPS, for every path
        return "__Host-taawidaty-session" if self.secure else "taawidaty-session"

    def set_session(self, response: Response, session_id: str) -> None:
        response.set_cookie(self.session, session_id, httponly=True, secure=self.secure, samesite="lax", path="/")

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(self.session, path="/", secure=self.secure, httponly=True, samesite="lax")


def templates() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(
        date=_per_render(i18n.written_date),
        moment=_per_render(i18n.written_moment),
        amount=_per_render(i18n.written_amount),
        factor=_per_render(i18n.written_factor),
    )
    environment.globals.update(
        status_words=words.CLAIM_STATUS,
        timeline_words=words.TIMELINE_EVENT,
        outcome_words=words.DECISION_OUTCOME,
        refusal_words=words.FILE_REFUSAL,
        refusal_default=words.FILE_REFUSED,
        role_words=words.APPLICANT_ROLE,
        queue_words=words.QUEUE,
        queue_hints=words.QUEUE_HINT,
        clock_words=words.DECISION_CLOCK,
        flag_words=words.DOCUMENT_FLAG,
        audit_words=words.AUDIT_ACTION,
        agency_name=back_office.agency_name,
        agencies=back_office.agencies,
        inspection_reason=back_office.inspection_reason,
        refusal_reason=back_office.refusal_reason,
        audit_detail=back_office.audit_detail,
        failure_reasons=back_office.inspection_failure_reasons,
        review_reasons=back_office.review_refusal_reasons,
        queues=back_office.QUEUES,
        all_agencies=back_office.ALL_AGENCIES,
        document_label=back_office.document_label,
        review_reason=back_office.review_reason,
        comma=i18n.comma,
        refusal_reasons_of=back_office.refusal_reasons_of,
    )
    return environment


def _per_render(written: Callable[[Any], str]) -> Callable[..., str]:
    """A filter Jinja must call at each render: given a constant (a date in a template), it would otherwise compute
    it once, when compiling, in the language of the first page that used it."""

    @pass_context
    def in_the_pages_language(_: Any, value: Any) -> str:
        return written(value)

    return in_the_pages_language


class Portal:
    """The portal's parts, reached from the routes through `request.app.state.portal`."""

    def __init__(
        self, sessions: SessionStore, oidc: OidcClient, cookies: Cookies, public_url: str, max_form_bytes: int
    ) -> None:
        self.sessions, self.oidc, self.cookies = sessions, oidc, cookies
        self.public_url, self.max_form_bytes = public_url.rstrip("/"), max_form_bytes
        self.templates = templates()

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        language = i18n.current_language.get()
        session: Session | None = request.state.session
        page = self.templates.get_template(template).render(
            lang=language,
            dir=i18n.direction(language),
            request=request,
            path=request.url.path,
            query=request.url.query,
            user=session.user if session else None,
            is_agent=is_agent(session.user if session else None),
            csrf_token=session.csrf_token if session else "",
            **context,
        )
        return HTMLResponse(page, status_code=status_code)

    async def session_for_form(self, request: Request) -> Session:
        """The visitor's session, created when they have none yet (sign-in, a first form)."""
        if request.state.session is None:
            request.state.session = await self.sessions.new()
            request.state.new_session_id = request.state.session.id
        return request.state.session

    async def check_form(self, request: Request) -> FormData:
        """The posted form, once it is known to come from this portal's own page in this person's session. The body
        is read only after the origin and the session are checked."""
        origin = request.headers.get("origin")
        if (origin and origin != origin_of(self.public_url)) or request.headers.get("sec-fetch-site") == "cross-site":
            raise ForgedForm(f"posted from {origin or 'another site'}")
        session: Session | None = request.state.session
        if session is None or session.user is None:
            raise NeedsSignIn()  # the session ended while the page was open: nothing of the form is taken
        form = await request.form()
        if form.get("csrf_token") != session.csrf_token:
            raise ForgedForm("missing or wrong anti-forgery token")
        return form

    def agent(self, request: Request) -> dict[str, Any]:
        """The signed-in agent (username, name, roles, agency); the back office is for them only."""
        session: Session | None = request.state.session
        if session is None or session.user is None:
            raise NeedsSignIn()
        if not is_agent(session.user):
            raise NotAnAgent()
        return session.user

    async def access_token(self, request: Request) -> str:
        """The signed-in person's access token, refreshed when it is about to expire."""
        session: Session | None = request.state.session
        if session is None or session.user is None:
            raise NeedsSignIn()
        tokens = session.data["tokens"]
        if tokens["access_expires_at"] - 20 < time():
            try:
                renewed = await self.oidc.refresh(tokens.get("refresh_token") or "")
            except SignInFailed:
                await self.sign_out_here(session)
                raise NeedsSignIn() from None
            session.data["tokens"] = {**vars(renewed), "id_token": renewed.id_token or tokens["id_token"]}
            await self.sessions.save(session, "tokens")
        return session.data["tokens"]["access_token"]

    async def sign_out_here(self, session: Session) -> None:
        """Forget who the session belongs to (the provider refused to renew it, or the APIs refuse its token)."""
        session.data.pop("user", None)
        await self.sessions.save(session, "user")

    async def leave_message(self, request: Request, key: str, message: dict[str, Any]) -> None:
        """A message for the next page this session shows (after a redirect), once."""
        request.state.session.data[key] = message
        await self.sessions.save(request.state.session, key)

    async def take_message(self, request: Request, key: str) -> dict[str, Any] | None:
        """The message left for this page, forgotten as it is read."""
        message = request.state.session.data.pop(key, None)
        if message is not None:
            await self.sessions.save(request.state.session, key)
        return message

    def redirect(self, path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303)


def _length_within(request: Request, limit: int) -> bool:
    """Browsers say how long a form is; a post that does not, or is longer than any page's form, is not read."""
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) <= limit


def safe_next(path: str | None) -> str:
    """Where to go after sign-in or a language change: a path of this portal only, never another site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


class PortalMiddleware(BaseHTTPMiddleware):
    """Loads the session and the language, and adds the security headers to every answer."""

    def __init__(self, app: Any, portal: Portal) -> None:
        super().__init__(app)
        self.portal = portal

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        cookies = self.portal.cookies
        request.state.session = await self.portal.sessions.find(request.cookies.get(cookies.session))
        request.state.new_session_id = None
        language = i18n.best_language(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
        i18n.current_language.set(language)
        if request.method == "POST" and not _length_within(request, self.portal.max_form_bytes):
            response = self.portal.render(request, "error.html.j2", status_code=413, problem="too_large")
        else:
            response = await call_next(request)
        if request.state.new_session_id:
            cookies.set_session(response, request.state.new_session_id)
        elif request.state.session is None and cookies.session in request.cookies:
            cookies.clear_session(response)
        self._secure(response, static=request.url.path.startswith("/static/"))
        return response

    def _secure(self, response: Response, static: bool) -> None:
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            (
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
                f"base-uri 'none'; frame-ancestors 'none'; form-action 'self' {self.portal.oidc.browser_origin}"
            ),
        )
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cache-Control", "public, max-age=3600" if static else "no-store")
        if self.portal.cookies.secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
