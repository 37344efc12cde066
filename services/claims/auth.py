"""Bearer tokens (JWT) from the MA CNSS identity provider: the subject is the caller's registration number;
agents carry the `agent` role. The verification key and algorithm come from configuration."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.claims.config import ClaimsSettings

AGENT_ROLE = "agent"


@dataclass(frozen=True)
class Caller:
    subject: str
    is_agent: bool

    def may_access(self, owner: str) -> bool:
        return self.is_agent or owner == self.subject


def verify_token(token: str, settings: ClaimsSettings) -> Caller:
    try:
        claims = jwt.decode(
            token, settings.jwt_verification_key, algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience, issuer=settings.jwt_issuer, options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "token expired") from error
    except jwt.InvalidTokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"invalid token: {error}") from error
    roles = claims.get("roles") or []
    return Caller(subject=str(claims["sub"]), is_agent=AGENT_ROLE in roles)


def caller_dependency(settings: ClaimsSettings):
    bearer = HTTPBearer(auto_error=False)

    async def current_caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
        if credentials is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer token required",
                                headers={"WWW-Authenticate": "Bearer"})
        return verify_token(credentials.credentials, settings)

    return current_caller


def issue_token(settings: ClaimsSettings, subject: str, agent: bool = False, ttl: timedelta = timedelta(hours=8),
                signing_key: str | None = None) -> str:
    """A token as the identity provider would issue it (local run and tests; HS256 with the shared secret)."""
    now = datetime.now(UTC)
    payload: dict[str, Any] = {"sub": subject, "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
                               "iat": now, "exp": now + ttl, "roles": [AGENT_ROLE] if agent else []}
    return jwt.encode(payload, signing_key or settings.jwt_verification_key, algorithm=settings.jwt_algorithm)
