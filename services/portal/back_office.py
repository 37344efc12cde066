"""The back office between the agents' pages and the claims API: which queue and agency a page asks for, the words
of the codes the API answers with (inspection reasons, refusal reasons, agencies, document flags, audit actions), and
the agents' forms turned into the API's bodies. No rule: the claims API decides what an agent may do."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal, format_percent

from contracts.agents import AGENCIES, AGENT_REFUSAL_REASONS, INSPECTION_FAILURE_REASONS, REVIEW_REFUSAL_REASONS
from contracts.documents import DOCUMENT_LABELS
from services.portal import i18n, words
from services.portal.forms import N_

QUEUES = ("inspection", "manual_review", "approval", "returned")
ALL_AGENCIES = "all"
MAX_NOTES = 1000
MIN_JUSTIFICATION, MAX_JUSTIFICATION = 10, 2000
_RANDOM = re.compile(r"^RANDOM\(drawn=([0-9.eE+-]+),\s*rate=([0-9.eE+-]+)\)$")

FORM_MESSAGES = {
    "passed": N_("Indiquez le résultat du contrôle."),
    "reason": N_("Choisissez la raison de l'échec du contrôle."),
    "notes": N_("La note ne doit pas dépasser 1000 caractères."),
    "reasons": N_("Cochez au moins un motif de refus."),
    "justification": N_("Écrivez une justification d'au moins 10 caractères."),
    "justification_long": N_("La justification ne doit pas dépasser 2000 caractères."),
}
FORM_REFUSED = N_("Le service n'a pas accepté ces réponses : vérifiez le formulaire et réessayez.")


def queue_agency(queue: str, asked: str | None, own: str | None) -> str | None:
    """The agency whose claims the inspection queue shows: the one asked for, none for "all agencies", else the
    agent's own. The other queues are not filtered by agency."""
    if queue != "inspection" or asked == ALL_AGENCIES:
        return None
    if asked in AGENCIES:
        return asked
    return own if own in AGENCIES else None


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _language_index() -> int:
    return 1 if i18n.current_language.get() == "ar" else 0


def agency_name(code: str | None) -> str:
    """An agency's name in the page's language; a code the portal does not know, as it is."""
    if not code:
        return ""
    return AGENCIES[code][_language_index()] if code in AGENCIES else code


def agencies() -> list[tuple[str, str]]:
    """(code, name in the page's language) of every agency, in the contract's order."""
    return [(code, names[_language_index()]) for code, names in AGENCIES.items()]


def document_label(doc_type: str) -> str:
    """A document's name in the page's language (contracts.documents), else its code."""
    labels = DOCUMENT_LABELS.get(doc_type)  # type: ignore[call-overload]  # keyed by DocumentType, a str enum
    return labels[_language_index()] if labels else doc_type


def refusal_reason(code: str) -> str:
    """A refusal reason an agent chooses (contracts.agents), in the page's language."""
    names = AGENT_REFUSAL_REASONS.get(code)
    return names[_language_index()] if names else code


def review_reason(code: str) -> str:
    """Why the rules left the claim to an agent, in words."""
    return code_words(words.REVIEW_REASON, code)


def refusal_reasons_of(detail: dict[str, Any]) -> list[str]:
    """Why a claim was refused, in the page's language, from a refusal's timeline entry (`reasons`, `explanations`):
    the refusal's own words for the codes an agent chooses, else the explanation given, else the code."""
    language = "ar" if _language_index() else "fr"
    explained = {e.get("code"): e.get(language) for e in detail.get("explanations") or () if isinstance(e, dict)}
    codes = list(detail.get("reasons") or ()) or list(explained)
    return [words if (words := refusal_reason(code)) != code else explained.get(code) or code for code in codes]


def inspection_failure_reasons() -> list[tuple[str, str]]:
    return [(code, refusal_reason(code)) for code in INSPECTION_FAILURE_REASONS]


def review_refusal_reasons() -> list[tuple[str, str]]:
    return [(code, refusal_reason(code)) for code in REVIEW_REFUSAL_REASONS]


def random_draw(raw: str) -> tuple[Decimal, Decimal] | None:
    """The drawn value and the rate of an inspection reason `RANDOM(drawn=0.012345,rate=0.05)`, else None."""
    match = _RANDOM.match(raw.strip())
    if not match:
        return None
    try:
        return Decimal(match.group(1)), Decimal(match.group(2))
    except InvalidOperation:
        return None


def inspection_reason(raw: str) -> str:
    """Why the claim was selected for inspection, in words: a rule, or the random draw with its value and rate."""
    if draw := random_draw(raw):
        locale = i18n.babel_locale()
        drawn, rate = draw
        return i18n.gettext(words.RANDOM_DRAW) % {
            "drawn": format_decimal(drawn, format="0.000000", locale=locale),
            "rate": format_percent(rate, format="#,##0.##%", locale=locale),
        }
    if raw in words.INSPECTION_REASON:
        return i18n.gettext(words.INSPECTION_REASON[raw])
    return raw


def code_words(table: dict[str, str], code: str) -> str:
    return i18n.gettext(table[code]) if code in table else code


def inspection_form(posted: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The API's body for an inspection outcome, or the fields to correct (`{field id: message}`)."""
    errors: dict[str, str] = {}
    outcome = posted.get("passed", "")
    reason = posted.get("reason") or None
    notes = (posted.get("notes") or "").strip()
    if outcome not in ("yes", "no"):
        errors["inspection-passed"] = FORM_MESSAGES["passed"]
    if outcome == "no" and reason not in INSPECTION_FAILURE_REASONS:
        errors["inspection-reason"] = FORM_MESSAGES["reason"]
    if len(notes) > MAX_NOTES:
        errors["inspection-notes"] = FORM_MESSAGES["notes"]
    if errors:
        return None, errors
    passed = outcome == "yes"
    return {"passed": passed, "reason": None if passed else reason, "notes": notes}, {}


def review_form(posted: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The API's body for an agent's decision (accept, or refuse with reasons and a justification), or the fields
    to correct."""
    outcome = "refuse" if posted.get("outcome") == "refuse" else "accept"
    justification = (posted.get("justification") or "").strip()
    errors: dict[str, str] = {}
    reasons: list[str] = []
    if outcome == "refuse":
        chosen = set(posted.getlist("reasons")) if hasattr(posted, "getlist") else set(posted.get("reasons") or ())
        reasons = [code for code in REVIEW_REFUSAL_REASONS if code in chosen]
        if not reasons:
            errors["refuse-reasons"] = FORM_MESSAGES["reasons"]
        if len(justification) < MIN_JUSTIFICATION:
            errors["refuse-justification"] = FORM_MESSAGES["justification"]
    if len(justification) > MAX_JUSTIFICATION:
        errors[f"{outcome}-justification"] = FORM_MESSAGES["justification_long"]
    if errors:
        return None, errors
    return {"outcome": outcome, "reasons": reasons, "justification": justification}, {}


def refusal_message(detail: Any) -> str:
    """The words of a 409 from the claims API (`detail.code`), untranslated: the template translates it."""
    code = detail.get("code") if isinstance(detail, dict) else None
    return words.ACTION_REFUSAL.get(code or "", words.ACTION_REFUSED)


def beneficiary_names(form: dict[str, Any]) -> dict[str, str]:
    return {b.get("id", ""): b.get("full_name", "") for b in form.get("beneficiaries") or ()}


def audit_detail(entry: dict[str, Any]) -> list[str]:
    """What an audit entry's detail says, in words (the outcome, the reasons, the document)."""
    detail = entry.get("detail") or {}
    said: list[str] = []
    if "passed" in detail:
        said.append(i18n.gettext(N_("Contrôle réussi") if detail["passed"] else N_("Contrôle non concluant")))
    if detail.get("outcome") in ("accept", "refuse"):
        said.append(i18n.gettext(N_("Acceptation") if detail["outcome"] == "accept" else N_("Refus")))
    if detail.get("reason"):
        said.append(refusal_reason(detail["reason"]))
    said.extend(refusal_reason(code) for code in detail.get("reasons") or ())
    if detail.get("doc_type"):
        said.append(document_label(str(detail["doc_type"])))
    return said
