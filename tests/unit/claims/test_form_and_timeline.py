from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from contracts import ClaimDetails, ClaimSubmitted, NotificationStatusChanged
from services.claims.domain import claim_status_after, reference_for, sorted_timeline, timeline_entry
from services.claims.form import ClaimFormInput, normalise_moroccan_mobile

FORM = {"claimant_type": "insured", "registration_number": "123456789", "applicant_name": "A", "phone": "0612345678"}


@pytest.mark.parametrize("raw", ["0612345678", "+212612345678", "00212612345678", "06 12 34 56 78", "0712345678"])
def test_moroccan_mobiles_are_normalised_to_e164(raw):
    assert normalise_moroccan_mobile(raw) in ("+212612345678", "+212712345678")


@pytest.mark.parametrize(
    "raw, reason",
    [("0522123456", "mobile"), ("+33612345678", "Moroccan"), ("hello", "phone number"), ("06123", "Moroccan")],
)
def test_other_numbers_are_refused_with_a_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalise_moroccan_mobile(raw)


def test_the_form_refuses_unknown_fields_and_names_them():
    with pytest.raises(ValidationError) as error:
        ClaimFormInput.model_validate(FORM | {"iban": "x"})
    assert error.value.errors()[0]["loc"] == ("iban",)


def test_the_reference_is_stable_for_a_claim_and_dated():
    assert reference_for("3f9a1c2b-0000-4000-8000-000000000000", date(2026, 11, 22)) == "RCS-20261122-3F9A1C2B"


def test_the_timeline_is_ordered_by_event_time():
    claim = ClaimDetails(reference="R", filed_on="2026-11-22", **ClaimFormInput.model_validate(FORM).model_dump())
    start = datetime(2026, 11, 22, 10, tzinfo=UTC)
    submitted = ClaimSubmitted(claim_id="c", correlation_id="k", producer="p", claim=claim, occurred_at=start)
    sms = NotificationStatusChanged(
        claim_id="c",
        correlation_id="k",
        producer="p",
        notification_id="n",
        kind="acceptance",
        status="delivered",
        occurred_at=start + timedelta(seconds=5),
    )
    entries = {e["event_id"]: e for e in (timeline_entry(sms), timeline_entry(submitted))}
    timeline = sorted_timeline(entries)
    assert [entry["status"] for entry in timeline] == ["submitted", "sms_delivered"]


def test_an_incomplete_claim_goes_back_to_the_claimant_and_a_refusal_closes_it():
    from contracts import DocumentsIncomplete, InspectionCompleted

    claim = ClaimDetails(reference="R", filed_on="2026-11-22", **ClaimFormInput.model_validate(FORM).model_dump())
    incomplete = DocumentsIncomplete(claim_id="c", correlation_id="k", producer="p", claim=claim, missing=("rib",))
    failed = InspectionCompleted(claim_id="c", correlation_id="k", producer="p", passed=False, agent_id="a")
    passed = InspectionCompleted(claim_id="c", correlation_id="k", producer="p", passed=True, agent_id="a")
    assert claim_status_after(incomplete) == ("returned", False)
    assert claim_status_after(failed) == ("refused", True)
    assert claim_status_after(passed) == (None, False)
