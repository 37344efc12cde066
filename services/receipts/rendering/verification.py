"""Signed verification tokens printed on receipts (short code) and encoded in their QR code (full token).

A token is ``base64url(canonical JSON claims) "." base64url(HMAC-SHA256(key, canonical JSON))``. The claims
hold only what the receipt prints: reference, request date, registration number and the documents' SHA-256
(the receipt prints their first 12 hex digits; signing those short forms keeps the QR code small).
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import date

CLAIM_KEYS = frozenset({"reference", "request_date", "registration_number", "document_hashes"})
SHORT_CODE_LENGTH = 10
SHORT_CODE_GROUP = 5


class InvalidVerificationCode(ValueError):
    """The token is malformed, was not signed with this key, or was altered."""


def receipt_claims(
    reference: str, request_date: date, registration_number: str, document_hashes: Iterable[str]
) -> dict:
    return {
        "reference": reference,
        "request_date": request_date.isoformat(),
        "registration_number": registration_number,
        "document_hashes": list(document_hashes),
    }


def sign(claims: dict, key: bytes) -> str:
    if set(claims) != CLAIM_KEYS:
        raise ValueError(f"claims must have exactly the keys {sorted(CLAIM_KEYS)}, got {sorted(claims)}")
    if not key:
        raise ValueError("an empty signing key is not allowed")
    payload = _canonical_json(claims)
    return f"{_b64encode(payload)}.{_b64encode(_mac(payload, key))}"


def verify(token: str, key: bytes) -> dict:
    try:
        encoded_payload, encoded_mac = token.split(".")
        payload = _b64decode(encoded_payload)
        received_mac = _b64decode(encoded_mac)
    except (ValueError, binascii.Error) as error:
        raise InvalidVerificationCode("malformed verification token") from error
    if not hmac.compare_digest(received_mac, _mac(payload, key)):
        raise InvalidVerificationCode("verification token signature does not match")
    claims = json.loads(payload)
    if not isinstance(claims, dict) or set(claims) != CLAIM_KEYS or _canonical_json(claims) != payload:
        raise InvalidVerificationCode("verification token claims are not canonical")
    return claims


def short_code(token: str) -> str:
    """Human form printed on the receipt: the first characters of the base32 signature, grouped."""
    try:
        mac = _b64decode(token.split(".")[1])
    except (IndexError, ValueError, binascii.Error) as error:
        raise InvalidVerificationCode("malformed verification token") from error
    letters = base64.b32encode(mac).decode("ascii")[:SHORT_CODE_LENGTH]
    return "-".join(letters[i : i + SHORT_CODE_GROUP] for i in range(0, SHORT_CODE_LENGTH, SHORT_CODE_GROUP))


def _canonical_json(claims: dict) -> bytes:
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _mac(payload: bytes, key: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text or not text.isascii():
        raise ValueError("empty or non-ASCII base64url segment")
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64encode(data) != text:
        raise ValueError("non-canonical base64url segment")
    return data
