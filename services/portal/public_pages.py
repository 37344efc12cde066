"""Pages anyone reaches: home, the language switch, the receipt verification; and the eligibility check, which
reads the signed-in insured's own registry record."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.portal.backend import Backend, BackendError
from services.portal.forms import N_, iso_date
from services.portal.i18n import LANGUAGES
from services.portal.web import LANGUAGE_COOKIE, Portal, safe_next


def public_router(portal: Portal, backend: Backend) -> APIRouter:
    router = APIRouter()

    @router.get("/")
    async def home(request: Request) -> Response:
        return portal.render(request, "home.html.j2")

    @router.get("/lang/{language}")
    async def switch_language(language: str, next: str = "/") -> Response:  # noqa: A002 - the query's name
        response = portal.redirect(safe_next(next))
        if language in LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax",
                                secure=portal.cookies.secure, httponly=True)
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
    async def eligibility(request: Request, ceased_activity_on: str = "", underground_mining_years: str = "",
                          force_majeure: bool = False, checked: bool = False) -> Response:
        token = await portal.access_token(request)
        what_if, errors = what_if_from(ceased_activity_on, underground_mining_years, force_majeure)
        estimate, problem = None, None
        if not errors:
            try:
                estimate = await backend.estimate(token, what_if)
            except BackendError as refusal:
                if refusal.status == 422:  # the rules refused one of the "what if" values
                    errors["underground_mining_years"] = N_("Vérifiez ce champ.")
                else:
                    problem = "unknown_insured" if refusal.status == 404 else "refused"
        fields = {"ceased_activity_on": ceased_activity_on, "underground_mining_years": underground_mining_years,
                  "force_majeure": force_majeure}
        return portal.render(request, "eligibility.html.j2", estimate=estimate, errors=errors, fields=fields,
                             problem=problem, checked=checked)

    return router


def what_if_from(ceased: str, mining_years: str, force_majeure: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The "what if" fields as the eligibility endpoint takes them; empty fields keep the registry's values."""
    what_if: dict[str, Any] = {"force_majeure": force_majeure}
    errors: dict[str, str] = {}
    if ceased.strip():
        try:
            what_if["ceased_activity_on"] = date.fromisoformat(iso_date(ceased)).isoformat()
        except ValueError:
            errors["ceased_activity_on"] = N_("Saisissez une date valide, par exemple 31/12/2025.")
    if mining_years.strip():
        try:
            years = float(mining_years.replace(",", "."))
            if not 0 <= years <= 60:
                raise ValueError
            what_if["underground_mining_years"] = int(years) if years.is_integer() else years
        except ValueError:
            errors["underground_mining_years"] = N_("Saisissez un nombre d'années entre 0 et 60, par exemple 5.")
    return what_if, errors
