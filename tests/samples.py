"""Sample contract values the tests share."""

from typing import Any

from contracts import ClaimDetails

CLAIM_FIELDS: dict[str, Any] = {
    "reference": "RCS-1",
    "filed_on": "2026-11-22",
    "claimant_type": "insured",
    "registration_number": "123456789",
    "applicant_name": "A",
    "phone": "+212612345678",
}


def sample_claim(**fields: Any) -> ClaimDetails:
    """An insured's claim as it travels with the events, with `fields` changed."""
    return ClaimDetails(**(CLAIM_FIELDS | fields))
