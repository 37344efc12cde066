"""Sign-in through the identity provider over OpenID Connect: authorization code with PKCE, the code exchanged
on the server side with the client's secret, the ID token checked against the provider's published keys."""

import asyncio
import base64
import hashlib
import secrets
from dataclasses import dataclass
from time import time
from urllib.parse import urlencode, urlsplit

import httpx
import jwt


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SignInFailed(Exception):
    """The provider's answer cannot sign anyone in (refused code, bad ID token, wrong nonce)."""


class ProviderUnavailable(Exception):
    """The identity provider does not answer; the person is asked to try again in a moment."""


@dataclass(frozen=True)
class LoginRequest:
    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> "LoginRequest":
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))

    @property
    def code_challenge(self) -> str:
        digest = hashlib.sha256(self.code_verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    id_token: str
    access_expires_at: float


@dataclass(frozen=True)
class Identity:
    username: str
    name: str
    roles: tuple[str, ...]
    agency: str | None = None  # an agent's CNSS agency (the `agency` claim, a code of contracts.agents.AGENCIES)


class OidcClient:
    def __init__(
        self, http: httpx.AsyncClient, issuer: str, client_id: str, client_secret: str, redirect_uri: str
    ) -> None:
        self.http, self.issuer = http, issuer.rstrip("/")
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self._metadata: dict | None = None
        self._keys: jwt.PyJWKClient | None = None

    @property
    def browser_origin(self) -> str:
        """Where browsers reach the provider (its sign-in page), which may not be where the portal reaches it."""
        return origin_of((self._metadata or {}).get("authorization_endpoint") or self.issuer)

    async def metadata(self) -> dict:
        if self._metadata is None:
            try:
                response = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise ProviderUnavailable(f"discovery: {type(error).__name__}") from error
            self._metadata = response.json()
            self._keys = jwt.PyJWKClient(self._metadata["jwks_uri"], cache_keys=True, lifespan=3600, timeout=10)
        return self._metadata

    async def authorization_url(self, login: LoginRequest, language: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid profile",
            "state": login.state,
            "nonce": login.nonce,
            "code_challenge": login.code_challenge,
            "code_challenge_method": "S256",
            "ui_locales": language,
        }
        return f"{(await self.metadata())['authorization_endpoint']}?{urlencode(query)}"

    async def exchange(self, code: str, login: LoginRequest) -> tuple[Tokens, Identity]:
        tokens = await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": login.code_verifier,
            }
        )
        claims = await self._verified_id_token(tokens.id_token)
        if claims.get("nonce") != login.nonce:
            raise SignInFailed("the ID token does not answer this sign-in (nonce)")
        try:  # straight from the token endpoint, over the portal's own connection; the APIs verify it themselves
            access = jwt.decode(tokens.access_token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise SignInFailed(f"access token unreadable: {error}") from error
        roles = tuple((access.get("realm_access") or {}).get("roles") or ())
        username = str(claims.get("preferred_username") or claims["sub"])
        agency = claims.get("agency") or access.get("agency")
        return tokens, Identity(
            username, str(claims.get("name") or ""), roles, agency if isinstance(agency, str) and agency else None
        )

    async def refresh(self, refresh_token: str) -> Tokens:
        return await self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def end_session_url(self, id_token: str, after: str) -> str | None:
        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not endpoint:
            return None
        query = {"id_token_hint": id_token, "post_logout_redirect_uri": after, "client_id": self.client_id}
        return f"{endpoint}?{urlencode(query)}"

    async def _token_request(self, form: dict[str, str]) -> Tokens:
        endpoint = (await self.metadata())["token_endpoint"]
        try:
            response = await self.http.post(endpoint, data=form, auth=(self.client_id, self.client_secret))
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"token endpoint: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise ProviderUnavailable(f"token endpoint answered {response.status_code}")
        if response.status_code != 200:
            raise SignInFailed(f"token endpoint answered {response.status_code}")
        body = response.json()
        if not isinstance(body, dict) or not body.get("access_token"):
            raise SignInFailed("token endpoint gave no access token")
        return Tokens(
            body["access_token"],
            body.get("refresh_token"),
            body.get("id_token", ""),
            time() + float(body.get("expires_in", 60)),
        )

    async def _verified_id_token(self, id_token: str) -> dict:
        await self.metadata()
        assert self._keys is not None
        try:
            key = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, id_token)
            return jwt.decode(
                id_token,
                key.key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=(await self.metadata())["issuer"],  # as browsers see it (compose: localhost)
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SignInFailed(f"ID token refused: {error}") from error
