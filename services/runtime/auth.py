"""Bearer tokens of the identity provider, verified the same way by every service with an HTTP API.

The key is chosen by the token's `alg` header, never both for one token: RS256 against the provider's published
keys (JWKS, when `OIDC_JWKS_URL` is set), the service's local key for its own algorithm (HS256 by default; the
claims service has one for the local run and the tests). Any other algorithm, `none` included, is refused.
"""

import asyncio
from dataclasses import dataclass
from time import monotonic
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

AGENT_ROLE = "agent"
INSURED_ROLE = "insured"
_REQUIRED = ["exp", "iat", "iss", "aud"]
_CLOCK_SKEW_S = 30  # between the provider's clock and this machine's
_UNKNOWN_KEY_REFETCH_S = 60  # a token naming a key not in the set fetches the set again at most this often


@dataclass(frozen=True)
class Caller:
    subject: str  # the registration number of an insured, or an agent's id
    is_agent: bool
    roles: frozenset[str] = frozenset()
    agency: str | None = None  # an agent's agency (the token's `agency` claim)

    def may_access(self, owner: str) -> bool:
        return self.is_agent or owner == self.subject


class IdentitySettings(BaseSettings):
    """The identity provider every service trusts (no prefix: a shared server, like Kafka)."""

    model_config = SettingsConfigDict(extra="ignore")

    issuer: str | None = Field(None, validation_alias="OIDC_ISSUER")
    audience: str = Field("taawidaty", validation_alias="OIDC_AUDIENCE")
    jwks_url: str | None = Field(None, validation_alias="OIDC_JWKS_URL")
    subject_claim: str = Field("preferred_username", validation_alias="OIDC_SUBJECT_CLAIM")
    jwks_timeout_s: float = Field(5.0, validation_alias="OIDC_JWKS_TIMEOUT_S")
    jwks_cache_s: float = Field(300.0, validation_alias="OIDC_JWKS_CACHE_S")


@dataclass(frozen=True)
class LocalKey:
    """A service's own verification key (the local run and tests' tokens), subject in `sub`."""

    key: str
    issuer: str
    audience: str
    algorithm: str = "HS256"


class LocalTokenSettings(BaseSettings):
    """A service's optional local key for the tokens the tests and the local run sign themselves (the claims
    service's `issue_token`), in the service's own prefix (`ELIGIBILITY_JWT_VERIFICATION_KEY`...); unset, only the
    identity provider's RS256 tokens (OIDC_*) are accepted. Never set in production."""

    jwt_verification_key: str | None = None
    jwt_issuer: str = "https://idp.macnss.ma"
    jwt_audience: str = "taawidaty"

    def token_verifier(self) -> "TokenVerifier":
        key = self.jwt_verification_key
        return TokenVerifier(IdentitySettings(), LocalKey(key, self.jwt_issuer, self.jwt_audience) if key else None)

    def local_key_secrets(self, prefix: str) -> dict[str, str | None]:
        return {f"{prefix}JWT_VERIFICATION_KEY": self.jwt_verification_key} if self.jwt_verification_key else {}


class TokenVerifier:
    def __init__(self, identity: IdentitySettings, local: LocalKey | None = None) -> None:
        self.identity, self.local = identity, local
        self.jwks = None
        self.refetched_at = -_UNKNOWN_KEY_REFETCH_S
        if identity.jwks_url:
            if not identity.issuer:
                raise ValueError("OIDC_JWKS_URL is set without OIDC_ISSUER")
            # the key set is cached for `jwks_cache_s`, not single keys forever: a key the provider withdraws stops
            # being trusted within that time
            self.jwks = jwt.PyJWKClient(
                identity.jwks_url, lifespan=identity.jwks_cache_s, timeout=identity.jwks_timeout_s
            )

    async def verify(self, token: str) -> Caller:
        """The caller a token names; HTTP 401 when it is not valid, 503 when the provider's keys are out of reach."""
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as error:
            raise _unauthorized(f"invalid token: {error}") from error
        if algorithm == "RS256" and self.jwks is not None:
            subject_claim = self.identity.subject_claim
            payload = await self._verified_by_provider(token)
        elif self.local is not None and algorithm == self.local.algorithm:
            subject_claim = "sub"
            payload = _decoded(token, self.local.key, algorithm, self.local.audience, self.local.issuer, subject_claim)
        else:
            raise _unauthorized(f"invalid token: tokens signed with {algorithm!r} are not accepted here")
        subject = payload[subject_claim]
        if not isinstance(subject, str) or not subject:
            raise _unauthorized(f"invalid token: {subject_claim!r} is not a name")
        roles = _roles(payload)
        agency = payload.get("agency")
        return Caller(
            subject=subject,
            is_agent=AGENT_ROLE in roles,
            roles=roles,
            agency=agency if isinstance(agency, str) and agency else None,
        )

    async def _verified_by_provider(self, token: str) -> dict[str, Any]:
        assert self.jwks is not None and self.identity.issuer is not None
        try:  # the key set is cached; a fetch (first token, rotation) runs in a thread, not on the event loop
            key = await asyncio.to_thread(self._signing_key, token)
        except jwt.PyJWKClientConnectionError as error:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, "the identity provider's keys cannot be read; try again shortly"
            ) from error
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as error:
            raise _unauthorized(f"invalid token: {error}") from error
        return _decoded(
            token, key.key, "RS256", self.identity.audience, self.identity.issuer, self.identity.subject_claim
        )

    def _signing_key(self, token: str) -> jwt.PyJWK:
        """The provider's key the token names. A name not in the cached set fetches the set again (the provider
        rotated its keys), but at most once a minute: made-up key names cannot make every request a fetch."""
        assert self.jwks is not None
        kid = jwt.get_unverified_header(token).get("kid")
        key_set = self.jwks.get_jwk_set()
        known = next((key for key in key_set.keys if key.key_id == kid), None)
        if known is None and monotonic() - self.refetched_at >= _UNKNOWN_KEY_REFETCH_S:
            self.refetched_at = monotonic()
            known = next((key for key in self.jwks.get_jwk_set(refresh=True).keys if key.key_id == kid), None)
        if known is None:
            raise jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')
        return known


def caller_dependency(verifier: TokenVerifier):
    """A FastAPI dependency giving the verified caller of a request (401 without a bearer token)."""
    bearer = HTTPBearer(auto_error=False)

    async def current_caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
        if credentials is None:
            raise _unauthorized("bearer token required")
        return await verifier.verify(credentials.credentials)

    return current_caller


def _decoded(token: str, key: Any, algorithm: str, audience: str, issuer: str, subject_claim: str) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=audience,
            issuer=issuer,
            leeway=_CLOCK_SKEW_S,
            options={"require": [*_REQUIRED, subject_claim]},
        )
    except jwt.ExpiredSignatureError as error:
        raise _unauthorized("token expired") from error
    except jwt.InvalidTokenError as error:
        raise _unauthorized(f"invalid token: {error}") from error


def _roles(payload: dict[str, Any]) -> frozenset[str]:
    """Keycloak's realm roles (`realm_access.roles`) and a plain top-level `roles` list."""
    realm = payload.get("realm_access")
    lists = (realm.get("roles") if isinstance(realm, dict) else None, payload.get("roles"))
    return frozenset(role for roles in lists if isinstance(roles, list) for role in roles if isinstance(role, str))


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})
