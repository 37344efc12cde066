"""The claim form as the page posts it, turned into the claims API's JSON, and the API's refusals turned back
into a message next to each field. No rule here: the claims API checks the form."""

import re
from decimal import Decimal
from typing import Any

BENEFICIARY_FIELDS = ("full_name", "relation", "birth_date", "orphan_of", "in_school", "apprentice", "sick", "disabled")
_FLAGS = ("in_school", "apprentice", "sick", "disabled")
MAX_BENEFICIARIES = 12


def N_(message: str) -> str:  # noqa: N802 - gettext's marker for a message translated when shown
    return message


FIELD_MESSAGES = {
    "applicant_role": N_("Choisissez à quel titre vous déposez la demande."),
    "registration_number": N_("Saisissez le numéro d'immatriculation à 9 chiffres de l'assuré décédé."),
    "applicant_name": N_("Saisissez votre nom complet."),
    "phone": N_("Saisissez un numéro de mobile marocain, par exemple 06 12 34 56 78."),
    "language": N_("Choisissez la langue des SMS."),
    "ceased_activity_on": N_("Saisissez une date valide, par exemple 31/12/2025."),
    "full_name": N_("Saisissez le nom de l'ayant droit."),
    "relation": N_("Choisissez le lien avec l'assuré."),
    "birth_date": N_("Saisissez une date de naissance valide, par exemple 21/05/2010."),
    "orphan_of": N_("Indiquez si l'enfant est orphelin d'un parent ou des deux."),
    "underground_mining_years": N_(
        "Saisissez un nombre d'années entre 0 et 80, au plus deux décimales, par exemple 4,5."
    ),
    "agency": N_("Choisissez une agence de la liste, ou aucune."),
}


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")


def iso_date(typed: str) -> str:
    """A date as people type it in Morocco (31/12/2025) or as ISO (2025-12-31), in ISO for the API; anything else
    is passed on as typed, for the API to name the field."""
    if match := _DAY_FIRST.match(typed or ""):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return (typed or "").strip()


_DECIMAL_NUMBER = re.compile(r"(\d+)(?:[.,\u066b](\d+))?")  # \d: Arabic digits too; U+066B: Arabic decimal point


def decimal_number(typed: str) -> str | None:
    """A number as people type it, with a decimal point or comma (4.5, 4,5) in Western or Arabic digits (٤٫٥), as
    the decimal string the API reads exactly ("4.5"); None when it is not one. Its bounds are the API's to check."""
    match = _DECIMAL_NUMBER.fullmatch((typed or "").strip())
    if match is None:
        return None
    whole, fraction = match.groups()
    return format(Decimal(whole if fraction is None else f"{whole}.{fraction}"), "f")


def shown_date(iso: str | None) -> str:
    parts = (iso or "").split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else (iso or "")


def beneficiaries_from(posted: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for index in range(MAX_BENEFICIARIES):
        prefix = f"beneficiaries-{index}-"
        if not any(key.startswith(prefix) for key in posted):
            continue
        row = {field: posted.get(prefix + field, "") for field in BENEFICIARY_FIELDS}
        rows.append(row | {flag: bool(posted.get(prefix + flag)) for flag in _FLAGS})
    return rows


def form_state(posted: dict[str, Any], claimant_type: str, username: str) -> dict[str, Any]:
    """What the page shows back: the posted values, beneficiaries added or removed by the form's buttons."""
    state = {
        "claimant_type": claimant_type,
        "applicant_role": "insured" if claimant_type == "insured" else posted.get("applicant_role", ""),
        "registration_number": username if claimant_type == "insured" else posted.get("registration_number", ""),
        "applicant_name": posted.get("applicant_name", ""),
        "phone": posted.get("phone", ""),
        "language": posted.get("language", "fr"),
        "mining_activity": bool(posted.get("mining_activity")),
        "ceased_activity_on": posted.get("ceased_activity_on", ""),
        "force_majeure": bool(posted.get("force_majeure")),
        "agency": posted.get("agency", ""),
        "beneficiaries": beneficiaries_from(posted) if claimant_type == "survivors" else [],
    }
    action = posted.get("action", "")
    if action == "add_beneficiary" and len(state["beneficiaries"]) < MAX_BENEFICIARIES:
        state["beneficiaries"].append({field: "" for field in BENEFICIARY_FIELDS} | dict.fromkeys(_FLAGS, False))
    elif action.startswith("remove_beneficiary:") and action.split(":")[1].isdigit():
        index = int(action.split(":")[1])
        if index < len(state["beneficiaries"]):
            del state["beneficiaries"][index]
    return state


def api_form(state: dict[str, Any]) -> dict[str, Any]:
    """The claims API's form from the page's state (empty fields left out, so the API names what is missing)."""
    form = {
        key: state[key]
        for key in (
            "claimant_type",
            "applicant_role",
            "registration_number",
            "applicant_name",
            "phone",
            "language",
            "mining_activity",
            "force_majeure",
        )
    }
    form["ceased_activity_on"] = iso_date(state["ceased_activity_on"]) or None
    if state.get("agency"):  # the agency chosen for an inspection, if any (the API knows the codes)
        form["agency"] = state["agency"]
    form["beneficiaries"] = [
        {key: value for key, value in row.items() if value not in ("", None)}
        | {"id": f"b{index + 1}", "birth_date": iso_date(row["birth_date"]) or None}
        for index, row in enumerate(state["beneficiaries"])
    ]
    return form


def state_from_claim(form: dict[str, Any]) -> dict[str, Any]:
    """The page's state from a form the API keeps (to change it)."""
    rows = [
        {field: row.get(field) or ("" if field not in _FLAGS else False) for field in BENEFICIARY_FIELDS}
        | {"birth_date": shown_date(row.get("birth_date"))}
        for row in form.get("beneficiaries", ())
    ]
    return {
        **form,
        "ceased_activity_on": shown_date(form.get("ceased_activity_on")),
        "beneficiaries": rows,
        "phone": _national(form.get("phone", "")),
        "agency": form.get("agency") or "",
    }


def _national(phone: str) -> str:
    return "0" + phone[4:] if phone.startswith("+212") else phone


def field_errors(detail: Any) -> dict[str, str]:
    """`{field id: message}` from the API's 422 answer (pydantic's list of errors with their location)."""
    errors: dict[str, str] = {}
    for error in detail if isinstance(detail, list) else ():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        if not location:
            continue
        if location[0] == "beneficiaries" and len(location) >= 3:
            field_id, field = f"beneficiaries-{location[1]}-{location[2]}", location[2]
        else:
            field_id, field = location[0], location[0]
        errors.setdefault(field_id, FIELD_MESSAGES.get(field, N_("Vérifiez ce champ.")))
    return errors
