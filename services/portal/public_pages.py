"""Pages anyone reaches: home, the language switch, the receipt verification; and the eligibility check, which
reads the signed-in insured's own registry record."""

from datetime import date
from time import monotonic
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal.backend import Backend, BackendError, ServiceUnavailable
from services.portal.forms import FIELD_MESSAGES, decimal_number, field_errors, iso_date
from services.portal.i18n import LANGUAGES
from services.portal.web import LANGUAGE_COOKIE, Portal, safe_next


class FilingRules:
    """The periods, deadlines and ages of the eligibility service's rules, as the pages show them; read again every
    ten minutes (they change by decree). None while the service cannot be reached: pages say so."""

    def __init__(self, backend: Backend, max_age_s: float = 600, retry_after_s: float = 30) -> None:
        self.backend, self.max_age_s, self.retry_after_s = backend, max_age_s, retry_after_s
        self.rules: dict[str, Any] | None = None
        self.next_read = 0.0

    async def current(self) -> dict[str, Any] | None:
        if monotonic() >= self.next_read:
            try:
                self.rules = await self.backend.filing_rules()
                self.next_read = monotonic() + self.max_age_s
            except (BackendError, ServiceUnavailable):  # the rules read before, if any, meanwhile
                self.next_read = monotonic() + self.retry_after_s
        return self.rules


def public_router(portal: Portal, backend: Backend) -> APIRouter:
    router = APIRouter()
    filing_rules = FilingRules(backend)

    @router.get("/")
    async def home(request: Request) -> Response:
        return portal.render(request, "home.html.j2", rules=await filing_rules.current())

    @router.get("/lang/{language}")
    async def switch_language(language: str, next: str = "/") -> Response:  # noqa: A002 - the query's name
        response = portal.redirect(safe_next(next))
        if language in LANGUAGES:
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=365 * 24 * 3600,
                samesite="lax",
                secure=portal.cookies.secure,
                httponly=True,
            )
        return response

    @router.get("/verification")
    async def verification(request: Request, code: str = "", t: str = "") -> Response:
        result, problem = None, None
        if code.strip() or t:
            try:
                result = await backend.verify_receipt(code.strip()[:20] or None, t[:4000] or None)
            except BackendError as refusal:
                problem = "not_found" if refusal.status == 404 else "not_genuine"
        return portal.render(request, "verification.html.j2", code=code[:20], result=result, problem=problem)

    @router.get("/eligibility")
    async def eligibility(
        request: Request,
        ceased_activity_on: str = "",
        underground_mining_years: str = "",
        force_majeure: bool = False,
        checked: bool = False,
    ) -> Response:
        token = await portal.access_token(request)
        what_if, errors = what_if_from(ceased_activity_on, underground_mining_years, force_majeure)
        estimate, problem = None, None
        if not errors:
            try:
                estimate = await backend.estimate(token, what_if)
            except BackendError as refusal:
                errors = field_errors(refusal.detail) if refusal.status == 422 else {}
                if not errors:
                    problem = "unknown_insured" if refusal.status == 404 else "refused"
        fields = {
            "ceased_activity_on": ceased_activity_on,
            "underground_mining_years": underground_mining_years,
            "force_majeure": force_majeure,
        }
        return portal.render(
            request,
            "eligibility.html.j2",
            estimate=estimate,
            errors=errors,
            fields=fields,
            problem=problem,
            checked=checked,
            rules=await filing_rules.current(),
        )

    return router


def what_if_from(ceased: str, mining_years: str, force_majeure: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The "what if" fields as the eligibility endpoint takes them; empty fields keep the registry's values."""
    what_if: dict[str, Any] = {"force_majeure": force_majeure}
    errors: dict[str, str] = {}
    if ceased.strip():
        try:
            what_if["ceased_activity_on"] = date.fromisoformat(iso_date(ceased)).isoformat()
        except ValueError:
            errors["ceased_activity_on"] = FIELD_MESSAGES["ceased_activity_on"]
    if mining_years.strip():  # a number as people type it; what the rules take, the eligibility service says
        if (years := decimal_number(mining_years)) is None:
            errors["underground_mining_years"] = FIELD_MESSAGES["underground_mining_years"]
        else:
            what_if["underground_mining_years"] = years
    return what_if, errors
