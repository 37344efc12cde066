"""The logs of the whole run, every service's, hold no personal data in clear."""

import pytest

from tests.e2e.flow import ENROLLED, phone_of
from tests.e2e.samples import INSURED_FORM

pytestmark = [pytest.mark.e2e, pytest.mark.runs_last]


def test_the_services_logs_hold_no_personal_data_in_clear(stack):
    """Runs after every other test (marker `runs_last`), so the logs hold every claim the run pushed."""
    logs = "\n".join(path.read_text(errors="replace") for path in stack.logs.glob("*.log"))
    assert "Application startup complete" in logs
    assert len(ENROLLED) >= 3
    for personal in (*ENROLLED, *(phone_of(number)[4:] for number in ENROLLED), INSURED_FORM["applicant_name"]):
        assert personal not in logs
