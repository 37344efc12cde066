"""Cases for the tests, written as the section 9 JSON the `decide` command reads."""

from typing import Any

from services.eligibility.rules import Case

BASE_INSURED: dict[str, Any] = {
    "birth_date": "1965-04-10",
    "contribution_days": 900,
    "ceased_activity_on": "2025-12-31",
    "contributions": [{"year": 2020, "salary_share": "1000.00", "employer_share": "2000.00"}],
}


def insured_document(filed_on: str = "2026-02-01", force_majeure: bool = False, **insured: Any) -> dict[str, Any]:
    return {
        "filed_on": filed_on,
        "claimant": "insured",
        "force_majeure": force_majeure,
        "insured": {**BASE_INSURED, **insured},
    }


def insured_claim(filed_on: str = "2026-02-01", force_majeure: bool = False, **insured: Any) -> Case:
    return Case.model_validate(insured_document(filed_on, force_majeure, **insured))


def survivors_claim(
    death_date: str = "2025-06-01",
    filed_on: str = "2026-02-01",
    beneficiaries: list[dict[str, Any]] | None = None,
    force_majeure: bool = False,
    **insured: Any,
) -> Case:
    return Case.model_validate(
        {
            "filed_on": filed_on,
            "claimant": "survivors",
            "force_majeure": force_majeure,
            "insured": {**BASE_INSURED, "ceased_activity_on": None, "death_date": death_date, **insured},
            "beneficiaries": [spouse("s1")] if beneficiaries is None else beneficiaries,
        }
    )


def spouse(beneficiary_id: str) -> dict[str, Any]:
    return {"id": beneficiary_id, "relation": "spouse"}


def child(beneficiary_id: str, birth_date: str, orphan_of: str = "one_parent", **flags: bool) -> dict[str, Any]:
    return {"id": beneficiary_id, "relation": "child", "birth_date": birth_date, "orphan_of": orphan_of, **flags}
