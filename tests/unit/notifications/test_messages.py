from decimal import Decimal

import pytest

from services.notifications.messages import (
    acceptance,
    count_parts,
    fit_to_parts,
    inspection,
    missing_documents,
    needs_ucs2,
)


@pytest.mark.parametrize("text, parts", [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
                                         ("€" * 80, 1), ("€" * 81, 2), ("ب" * 70, 1), ("ب" * 71, 2),
                                         ("ب" * 134, 2), ("ب" * 135, 3)])
def test_parts_are_counted_like_the_network_does(text, parts):
    assert count_parts(text) == parts


def test_arabic_needs_ucs2_and_plain_french_does_not():
    assert needs_ucs2("مرحبا") and not needs_ucs2("Votre demande est acceptée à 10h")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_message_names_the_reference_and_fits_in_two_parts(language):
    for text in (acceptance(language, "RCS-20261122-3F9A1C2B", Decimal("21639.60")),
                 inspection(language, "RCS-20261122-3F9A1C2B"),
                 missing_documents(language, "RCS-20261122-3F9A1C2B", ["bank_details"])):
        assert "RCS-20261122-3F9A1C2B" in text
        assert count_parts(text) <= 2


def test_the_french_acceptance_shows_the_amount_the_french_way():
    assert "21 639,60 MAD" in acceptance("fr", "R", Decimal("21639.60"))


@pytest.mark.parametrize("max_parts", [1, 2, 3])
def test_a_long_message_is_cut_to_the_configured_parts(max_parts):
    text = missing_documents("ar", "RCS-20261122-3F9A1C2B", ["identity_card", "bank_details", "heirship_deed"] * 4)
    fitted = fit_to_parts(text, max_parts)
    assert count_parts(fitted) == max_parts and fitted.endswith("...")
    assert fit_to_parts("court", 1) == "court"
