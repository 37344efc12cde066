from decimal import Decimal

import pytest

from services.eligibility.rules.reasons import ReasonCode
from services.notifications.messages import (
    REFUSAL_REASONS,
    acceptance,
    count_parts,
    fit_to_parts,
    inspection,
    missing_documents,
    needs_ucs2,
    refusal,
)


@pytest.mark.parametrize(
    "text, parts",
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("ب" * 70, 1),
        ("ب" * 71, 2),
        ("ب" * 134, 2),
        ("ب" * 135, 3),
    ],
)
def test_parts_are_counted_like_the_network_does(text, parts):
    assert count_parts(text) == parts


def test_arabic_needs_ucs2_and_plain_french_does_not():
    assert needs_ucs2("مرحبا") and not needs_ucs2("Votre demande est acceptée à 10h")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_message_names_the_reference_and_fits_in_two_parts(language):
    for text in (
        acceptance(language, "RCS-20261122-3F9A1C2B", Decimal("21639.60")),
        inspection(language, "RCS-20261122-3F9A1C2B"),
        missing_documents(language, "RCS-20261122-3F9A1C2B", ["bank_details"]),
    ):
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


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_has_a_short_refusal_wording_in_both_languages(code):
    french, arabic = REFUSAL_REASONS[code.value]  # a reason code added without its SMS wording fails here
    assert len(french) <= 50 and len(arabic) <= 50 and not needs_ucs2(french)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_the_french_refusal_names_the_reason_and_where_to_ask_in_one_gsm_part(code):
    text = refusal("fr", "RCS-20261122-3F9A1C2B", code.value)
    assert text.startswith("CNSS: demande RCS-20261122-3F9A1C2B refusée: ")
    assert REFUSAL_REASONS[code.value][0] in text and "agence CNSS" in text and "080 20 20 109" in text
    assert not needs_ucs2(text) and count_parts(text) == 1


@pytest.mark.parametrize("code", list(ReasonCode))
def test_the_arabic_refusal_names_the_reason_and_where_to_ask_in_three_parts_at_most(code):
    text = refusal("ar", "RCS-20261122-3F9A1C2B", code.value)
    assert "RCS-20261122-3F9A1C2B" in text and "رفض" in text and REFUSAL_REASONS[code.value][1] in text
    assert "الضمان الاجتماعي" in text and "وصل الإيداع" in text and "080 20 20 109" in text
    assert count_parts(text) <= 3


def test_a_refusal_reason_without_a_short_wording_falls_back_on_the_decisions_explanation():
    assert "refusée: motif donné par un agent. Infos" in refusal("fr", "R", "NEW_CODE", "Motif donné par un agent.")
    assert "refusée: conditions non remplies." in refusal("fr", "R", None)
    assert "السبب: الشروط غير مستوفاة." in refusal("ar", "R", None)
