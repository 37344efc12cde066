import json
import logging

import pytest

from services.runtime.logs import JsonFormatter, mask_personal_data


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("insured 123456789 filed", "123456789"),
        ("call +212612345678", "+212612345678"),
        ("call 0612345678 now", "0612345678"),
        ("cin AB123456", "AB123456"),
        ("to 212612345678", "212612345678"),
    ],
)
def test_personal_numbers_never_appear_in_clear(text, hidden):
    masked = mask_personal_data(text)
    assert hidden not in masked
    assert masked.endswith(text[-5:][-2:]) or hidden[-2:] in masked


def test_claim_ids_and_references_are_left_readable():
    text = "claim 3f9a1c2b-0000-4000-8000-000000000000 reference RCS-20261122-3F9A1C2B"
    assert mask_personal_data(text) == text


def test_log_records_come_out_as_json_with_the_correlation_id_and_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "insured %s", ("123456789",), None)
    record.correlation_id = "corr-1"
    entry = json.loads(JsonFormatter("claims").format(record))
    assert entry["message"] == "insured *******89"
    assert (entry["service"], entry["correlation_id"]) == ("claims", "corr-1")
