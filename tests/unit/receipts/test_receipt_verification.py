"""Verification tokens: what the QR code carries and the short code printed on the receipt."""

import base64
import json
import re
from datetime import date

import pytest

from services.receipts.rendering.verification import (
    InvalidVerificationCode,
    receipt_claims,
    short_code,
    sign,
    verify,
)

KEY = b"receipts-verification-key"
CLAIMS = receipt_claims("TW-2026-000042", date(2026, 11, 22), "104938275", ["dbc089515238", "30b54775e26f"])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_signed_token_verifies_back_to_its_claims() -> None:
    token = sign(CLAIMS, KEY)
    assert verify(token, KEY) == CLAIMS
    assert CLAIMS["request_date"] == "2026-11-22"


def test_the_token_is_deterministic_and_url_safe() -> None:
    token = sign(CLAIMS, KEY)
    assert token == sign(dict(reversed(list(CLAIMS.items()))), KEY)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}", token)


def test_the_short_code_is_two_groups_of_five_from_the_signature() -> None:
    token = sign(CLAIMS, KEY)
    code = short_code(token)
    assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", code)
    assert code != short_code(sign(CLAIMS, b"another-key"))


def test_a_token_signed_with_another_key_is_refused() -> None:
    with pytest.raises(InvalidVerificationCode):
        verify(sign(CLAIMS, b"another-key"), KEY)


def test_altered_claims_are_refused() -> None:
    payload, signature = sign(CLAIMS, KEY).split(".")
    forged = json.dumps({**CLAIMS, "reference": "TW-2026-999999"}, sort_keys=True, separators=(",", ":"))
    with pytest.raises(InvalidVerificationCode):
        verify(f"{_b64(forged.encode())}.{signature}", KEY)


@pytest.mark.parametrize("position", [0, 10, -1])
def test_any_changed_character_of_the_token_is_refused(position: int) -> None:
    token = sign(CLAIMS, KEY)
    index = position % len(token)
    replacement = "B" if token[index] != "B" else "C"
    with pytest.raises(InvalidVerificationCode):
        verify(token[:index] + replacement + token[index + 1 :], KEY)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "!!!.???", "eyJ9.", ".c2ln"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidVerificationCode):
        verify(token, KEY)


def test_claims_beyond_what_the_receipt_prints_cannot_be_signed() -> None:
    with pytest.raises(ValueError):
        sign({**CLAIMS, "applicant_phone": "0612345678"}, KEY)
    with pytest.raises(ValueError):
        sign({key: value for key, value in CLAIMS.items() if key != "reference"}, KEY)


def test_a_signature_spelled_with_different_unused_base64_bits_is_refused() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    token = sign(CLAIMS, KEY)
    respelled = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    assert base64.urlsafe_b64decode(respelled.split(".")[1] + "=") == base64.urlsafe_b64decode(
        token.split(".")[1] + "="
    )
    with pytest.raises(InvalidVerificationCode):
        verify(respelled, KEY)
