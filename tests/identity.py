"""The real identity provider (Keycloak, realm `taawidaty`) as the tests use it.

The server is the one `deploy/local/start.sh keycloak` runs with `deploy/keycloak/taawidaty-realm.json`; its
address comes from `OIDC_ISSUER` and the admin account from `TAAWIDATY_KEYCLOAK_ADMIN_USER`/`_PASSWORD`
(deploy/local/env.sh, with the same local defaults here). Users are created through the admin REST API and get
real RS256 tokens through the password grant of the `taawidaty-local-tools` client, which exists for tests and
local scripts only (the portal's client has no password grant).
"""

import os
import time

import httpx

ISSUER = os.environ.get("OIDC_ISSUER", "http://127.0.0.1:18180/realms/taawidaty").rstrip("/")
BASE_URL, _, REALM = ISSUER.rpartition("/realms/")
ADMIN_USER = os.environ.get("TAAWIDATY_KEYCLOAK_ADMIN_USER", "admin")
ADMIN_PASSWORD = os.environ.get("TAAWIDATY_KEYCLOAK_ADMIN_PASSWORD", "taawidaty-local-admin")
TOOLS_CLIENT_ID = "taawidaty-local-tools"
TOOLS_CLIENT_SECRET = os.environ.get("TAAWIDATY_KEYCLOAK_TOOLS_SECRET", "taawidaty-local-tools-secret")
TOKEN_URL = f"{ISSUER}/protocol/openid-connect/token"
ADMIN_URL = f"{BASE_URL}/admin/realms/{REALM}"
TIMEOUT = 15.0

_admin: dict[str, float | str] = {"token": "", "expires": 0.0}


class TokenRefused(Exception):
    """The token endpoint said no: `status` (HTTP) and `error` (OAuth error code, e.g. invalid_grant)."""

    def __init__(self, status: int, body: dict):
        self.status, self.error, self.description = status, body.get("error"), body.get("error_description")
        super().__init__(f"{status} {self.error}: {self.description}")


def admin_token() -> str:
    """An access token of the bootstrap admin (master realm, admin-cli), reused until shortly before it expires."""
    if time.monotonic() < float(_admin["expires"]):
        return str(_admin["token"])
    response = httpx.post(
        f"{BASE_URL}/realms/master/protocol/openid-connect/token",
        timeout=TIMEOUT,
        data={"grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USER, "password": ADMIN_PASSWORD},
    )
    response.raise_for_status()
    body = response.json()
    _admin.update(token=body["access_token"], expires=time.monotonic() + body["expires_in"] - 10)
    return body["access_token"]


def _admin_call(method: str, path: str, **kwargs) -> httpx.Response:
    response = httpx.request(
        method, f"{ADMIN_URL}{path}", timeout=TIMEOUT, headers={"Authorization": f"Bearer {admin_token()}"}, **kwargs
    )
    response.raise_for_status()
    return response


def user_id(username: str) -> str | None:
    found = _admin_call("GET", "/users", params={"username": username, "exact": "true"}).json()
    return found[0]["id"] if found else None


def create_user(
    username: str,
    password: str,
    roles: tuple[str, ...] = ("insured",),
    attributes: dict[str, str] | None = None,
    first_name: str = "",
    last_name: str = "",
) -> None:
    """Create the user with this password and exactly these realm roles (besides what they imply), and these user
    attributes (an agent's `agency`, which the realm puts in the tokens). An existing user gets the password and
    the attributes again, is unlocked and has the roles added."""
    credentials = [{"type": "password", "value": password, "temporary": False}]
    profile: dict = {"attributes": {name: [value] for name, value in (attributes or {}).items()}}
    profile |= {key: value for key, value in (("firstName", first_name), ("lastName", last_name)) if value}
    response = httpx.post(
        f"{ADMIN_URL}/users",
        timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {admin_token()}"},
        json={"username": username, "enabled": True, "credentials": credentials, **profile},
    )
    if response.status_code != 409:
        response.raise_for_status()
    uid = user_id(username)
    assert uid, f"user {username} was not created"
    if response.status_code == 409:
        _admin_call("PUT", f"/users/{uid}/reset-password", json=credentials[0])
        _admin_call("DELETE", f"/attack-detection/brute-force/users/{uid}")
        if attributes or first_name or last_name:
            current = _admin_call("GET", f"/users/{uid}").json()
            _admin_call(
                "PUT",
                f"/users/{uid}",
                json={
                    **current,
                    **profile,
                    "attributes": {**(current.get("attributes") or {}), **profile["attributes"]},
                },
            )
    wanted = [_admin_call("GET", f"/roles/{name}").json() for name in roles]
    _admin_call("POST", f"/users/{uid}/role-mappings/realm", json=wanted)
    if "insured" not in roles:  # a new user gets `insured` through the realm's default roles
        default = _admin_call("GET", f"/roles/default-roles-{REALM}").json()
        _admin_call("DELETE", f"/users/{uid}/role-mappings/realm", json=[default])


def password_token(username: str, password: str) -> dict:
    """The token response (access_token, id_token, refresh_token, ...) of a password grant through the local
    tools client; raises TokenRefused when the provider refuses it."""
    response = httpx.post(
        TOKEN_URL,
        timeout=TIMEOUT,
        data={
            "grant_type": "password",
            "client_id": TOOLS_CLIENT_ID,
            "client_secret": TOOLS_CLIENT_SECRET,
            "username": username,
            "password": password,
            "scope": "openid",
        },
    )
    if response.status_code != 200:
        raise TokenRefused(response.status_code, response.json())
    return response.json()


def is_locked(username: str) -> bool:
    """Whether brute-force detection has locked the user out (temporarily) right now."""
    uid = user_id(username)
    assert uid, f"no user {username}"
    return bool(_admin_call("GET", f"/attack-detection/brute-force/users/{uid}").json()["disabled"])
