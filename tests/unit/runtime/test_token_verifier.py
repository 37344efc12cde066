"""The shared bearer-token verifier: the identity provider's RS256 tokens checked against its JWKS (served here by
a real HTTP server in a thread), the local HS256 key, and every way a token can be wrong."""

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI, HTTPException
from fastapi.testclient import TestClient

from services.runtime.auth import Caller, IdentitySettings, LocalKey, TokenVerifier, caller_dependency

ISSUER = "http://127.0.0.1:18180/realms/taawidaty"
LOCAL = LocalKey(key="local-test-key-long-enough-for-hs256-0123456789", issuer="https://idp.test", audience="taawidaty")


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


PROVIDER_KEY, OTHER_KEY = rsa_key(), rsa_key()


class Jwks:
    """A JWKS endpoint on 127.0.0.1 publishing the provider's public key, counting the fetches."""

    def __init__(self) -> None:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER_KEY.public_key()))
        body = json.dumps({"keys": [public | {"kid": "provider-key", "use": "sig", "alg": "RS256"}]}).encode()
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                jwks.fetches += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.fetches = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/protocol/openid-connect/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def jwks() -> Iterator[Jwks]:
    served = Jwks()
    yield served
    served.server.shutdown()


def settings(jwks_url: str | None, issuer: str | None = ISSUER) -> IdentitySettings:
    """Every field given, whatever OIDC_* the environment holds (deploy/local/env.sh sets them)."""
    return IdentitySettings(
        OIDC_ISSUER=issuer, OIDC_JWKS_URL=jwks_url, OIDC_AUDIENCE="taawidaty", OIDC_SUBJECT_CLAIM="preferred_username"
    )


def provider_token(key=PROVIDER_KEY, kid: str = "provider-key", ttl: timedelta = timedelta(minutes=5), **claims) -> str:
    now = datetime.now(UTC)
    payload = {
        "iss": ISSUER,
        "aud": ["taawidaty", "account"],
        "iat": now,
        "exp": now + ttl,
        "sub": "f2a0-uuid",
        "preferred_username": "123456789",
        "realm_access": {"roles": ["insured", "offline_access"]},
    } | claims
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm="RS256", headers={"kid": kid})


def local_token(key: str = LOCAL.key, **claims) -> str:
    now = datetime.now(UTC)
    payload = {
        "iss": LOCAL.issuer,
        "aud": LOCAL.audience,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "sub": "900000001",
        "roles": ["agent"],
    } | claims
    return jwt.encode(payload, key, algorithm="HS256")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(HTTPException) as raised:
        await verifier.verify(token)
    assert raised.value.status_code == 401, raised.value.detail
    return raised.value.detail


async def test_a_provider_token_names_the_insured_by_registration_number_with_the_realm_roles(jwks):
    caller = await TokenVerifier(settings(jwks.url)).verify(provider_token())
    assert caller == Caller("123456789", is_agent=False, roles=frozenset({"insured", "offline_access"}))


async def test_an_agent_role_from_the_realm_or_a_top_level_list_makes_an_agent(jwks):
    verifier = TokenVerifier(settings(jwks.url))
    assert (await verifier.verify(provider_token(realm_access={"roles": ["agent"]}))).is_agent
    assert (await verifier.verify(provider_token(realm_access=None, roles=["agent"]))).is_agent


async def test_the_key_set_is_fetched_once_and_then_read_from_the_cache(jwks):
    verifier, before = TokenVerifier(settings(jwks.url)), jwks.fetches
    for _ in range(5):
        await verifier.verify(provider_token())
    assert jwks.fetches - before == 1


@pytest.mark.parametrize(
    "made_with, words",
    [  # made when the test runs: a token made at collection would expire
        ({"key": OTHER_KEY}, "Signature verification failed"),
        ({"key": OTHER_KEY, "kid": "someone-elses"}, "Unable to find a signing key"),
        ({"ttl": timedelta(seconds=-30)}, "token expired"),
        ({"aud": "another-client"}, "Audience doesn't match"),
        ({"iss": "https://evil.example/realms/taawidaty"}, "Invalid issuer"),
        ({"preferred_username": None}, 'missing the "preferred_username" claim'),
        ({"iat": None}, 'missing the "iat" claim'),
    ],
    ids=["forged", "unknown-key", "expired", "wrong-audience", "wrong-issuer", "no-registration-number", "no-iat"],
)
async def test_a_provider_token_that_is_forged_expired_or_for_someone_else_is_refused(jwks, made_with, words):
    assert words in await refused(TokenVerifier(settings(jwks.url)), provider_token(**made_with))


async def test_an_unsigned_token_is_refused_whatever_it_claims(jwks):
    claims = jwt.decode(provider_token(), options={"verify_signature": False})
    header = json.dumps({"alg": "none", "typ": "JWT"}).encode()
    token = f"{b64(header)}.{b64(json.dumps(claims).encode())}."
    assert "'none' are not accepted" in await refused(TokenVerifier(settings(jwks.url), LOCAL), token)


async def test_an_hs256_token_is_refused_where_there_is_no_local_key_even_signed_with_the_public_key(jwks):
    public_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER_KEY.public_key()).encode()
    claims = jwt.decode(provider_token(), options={"verify_signature": False})
    signed = f"{b64(json.dumps({'alg': 'HS256', 'kid': 'provider-key'}).encode())}.{b64(json.dumps(claims).encode())}"
    token = f"{signed}.{b64(hmac.new(public_jwk, signed.encode(), hashlib.sha256).digest())}"
    assert "'HS256' are not accepted" in await refused(TokenVerifier(settings(jwks.url)), token)


async def test_the_local_key_verifies_hs256_tokens_beside_the_provider(jwks):
    verifier = TokenVerifier(settings(jwks.url), LOCAL)
    assert await verifier.verify(local_token()) == Caller("900000001", True, frozenset({"agent"}))
    assert "Signature verification failed" in await refused(verifier, local_token(key="x" * 48))


async def test_an_rs256_token_is_refused_where_no_provider_is_configured():
    assert "'RS256' are not accepted" in await refused(TokenVerifier(settings(None), LOCAL), provider_token())


async def test_a_provider_out_of_reach_is_a_503_not_a_refusal():
    verifier = TokenVerifier(settings("http://127.0.0.1:9/certs"))
    with pytest.raises(HTTPException) as raised:
        await verifier.verify(provider_token())
    assert raised.value.status_code == 503


def test_a_jwks_url_without_an_issuer_is_a_configuration_error():
    with pytest.raises(ValueError, match="OIDC_ISSUER"):
        TokenVerifier(settings("http://127.0.0.1:9/certs", issuer=None))


def test_the_dependency_asks_for_a_bearer_token_and_gives_the_caller(jwks):
    app = FastAPI()
    current_caller = caller_dependency(TokenVerifier(settings(jwks.url)))

    @app.get("/me")
    async def me(caller: Annotated[Caller, Depends(current_caller)]) -> dict[str, str]:
        return {"subject": caller.subject}

    client = TestClient(app)
    missing = client.get("/me")
    assert (missing.status_code, missing.headers["www-authenticate"]) == (401, "Bearer")
    assert client.get("/me", headers={"Authorization": "Bearer not.a.token"}).status_code == 401
    assert client.get("/me", headers={"Authorization": f"Bearer {provider_token()}"}).json() == {"subject": "123456789"}


async def test_made_up_key_names_fetch_the_providers_keys_again_at_most_once_a_minute(jwks):
    verifier = TokenVerifier(settings(jwks.url))
    await verifier.verify(provider_token())
    before = jwks.fetches
    for attempt in range(5):
        assert "Unable to find a signing key" in await refused(
            verifier, provider_token(key=OTHER_KEY, kid=f"made-up-{attempt}")
        )
    assert jwks.fetches - before == 1  # one look for a rotated key, not one per token
