"""Who calls the claims API: the identity provider's RS256 tokens (services/runtime/auth.py), and the local HS256
tokens this service signs with its own key for the local run and the tests (`issue_token`)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from services.claims.config import ClaimsSettings
from services.runtime.auth import AGENT_ROLE, INSURED_ROLE, Caller, LocalKey

__all__ = ["Caller", "issue_token", "local_key"]


def local_key(settings: ClaimsSettings) -> LocalKey:
    return LocalKey(
        key=settings.jwt_verification_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        algorithm=settings.jwt_algorithm,
    )


def issue_token(
    settings: ClaimsSettings,
    subject: str,
    agent: bool = False,
    ttl: timedelta = timedelta(hours=8),
    signing_key: str | None = None,
    agency: str | None = None,
) -> str:
    """A token as the identity provider would issue it (local run and tests; signed with the local key)."""
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": subject,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
        "roles": [AGENT_ROLE if agent else INSURED_ROLE],
    }
    if agency:
        payload["agency"] = agency
    return jwt.encode(payload, signing_key or settings.jwt_verification_key, algorithm=settings.jwt_algorithm)
