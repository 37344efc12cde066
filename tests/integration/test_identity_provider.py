"""The identity provider the portal signs in through: the real Keycloak started by deploy/local/start.sh with the
realm of deploy/keycloak/taawidaty-realm.json (9-digit registration numbers, roles, brute-force detection, French
and Arabic login pages). Each test signs in with a fresh random registration number."""

import secrets
import urllib.parse

import httpx
import jwt
import pytest

from tests import identity

pytestmark = pytest.mark.integration

PASSWORD = "Correct-Horse-2026"
PORTAL_CALLBACK = "http://127.0.0.1:18085/auth/callback"


def registration_number() -> str:
    return f"{secrets.randbelow(10**9):09d}"


def portal_authorization_url(**extra: str) -> str:
    query = {
        "client_id": "taawidaty-portal",
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": PORTAL_CALLBACK,
        "state": secrets.token_urlsafe(8),
        **extra,
    }
    return f"{identity.ISSUER}/protocol/openid-connect/auth?{urllib.parse.urlencode(query)}"


def test_a_password_grant_gives_an_rs256_token_for_taawidaty_naming_the_insured_and_the_role(identity_provider):
    username = registration_number()
    identity.create_user(username, PASSWORD)
    token = identity.password_token(username, PASSWORD)["access_token"]

    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    key = jwt.PyJWKClient(identity_provider["OIDC_JWKS_URL"]).get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        audience="taawidaty",
        issuer=identity_provider["OIDC_ISSUER"],
        options={"require": ["exp", "iat", "iss", "aud"]},
    )
    assert "taawidaty" in claims["aud"]
    assert claims["preferred_username"] == username
    assert "insured" in claims["realm_access"]["roles"]
    assert "agent" not in claims["realm_access"]["roles"]
    assert claims["exp"] - claims["iat"] == 300


def test_an_agent_gets_the_agent_role_and_not_the_insured_one(identity_provider):
    username = registration_number()
    identity.create_user(username, PASSWORD, roles=("agent",))
    claims = jwt.decode(
        identity.password_token(username, PASSWORD)["access_token"], options={"verify_signature": False}
    )
    assert "agent" in claims["realm_access"]["roles"] and "insured" not in claims["realm_access"]["roles"]


def test_a_username_that_is_not_nine_digits_is_refused(identity_provider):
    for username in ("12345678", "1234567890", "12345678a"):
        with pytest.raises(httpx.HTTPStatusError) as refused:
            identity.create_user(username, PASSWORD)
        assert refused.value.response.status_code == 400, username


def test_the_portal_client_refuses_the_password_grant_and_an_authorization_request_without_pkce(identity_provider):
    username = registration_number()
    identity.create_user(username, PASSWORD)
    response = httpx.post(
        identity.TOKEN_URL,
        data={
            "grant_type": "password",
            "client_id": "taawidaty-portal",
            "client_secret": "taawidaty-portal-local-secret",
            "username": username,
            "password": PASSWORD,
        },
    )
    assert response.status_code in (400, 401) and response.json()["error"] == "unauthorized_client"

    without_pkce = httpx.get(portal_authorization_url())
    assert without_pkce.status_code == 302
    sent_back = urllib.parse.parse_qs(urllib.parse.urlsplit(without_pkce.headers["location"]).query)
    assert sent_back["error"] == ["invalid_request"]
    assert "code_challenge_method" in sent_back["error_description"][0]


def test_ten_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_too(identity_provider):
    username = registration_number()
    identity.create_user(username, PASSWORD)
    for attempt in range(1, 11):
        with pytest.raises(identity.TokenRefused) as refused:
            identity.password_token(username, f"wrong-{attempt}")
        assert refused.value.error == "invalid_grant"
        assert identity.is_locked(username) == (attempt == 10), attempt
    with pytest.raises(identity.TokenRefused) as refused:
        identity.password_token(username, PASSWORD)
    assert refused.value.error == "invalid_grant"
    assert identity.is_locked(username)


@pytest.mark.parametrize(
    ("locale", "direction", "label"),
    [
        ("ar", "rtl", "رقم التسجيل"),
        ("fr", "ltr", "Numéro d&#39;immatriculation"),
    ],
)
def test_the_login_page_speaks_the_language_asked_for_in_its_direction(identity_provider, locale, direction, label):
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    page = httpx.get(
        portal_authorization_url(ui_locales=locale, code_challenge=challenge, code_challenge_method="S256")
    )
    assert page.status_code == 200
    assert f'lang="{locale}" dir="{direction}"' in page.text
    assert label in page.text and "Username" not in page.text
    if locale == "ar":
        assert "تسجيل الدخول" in page.text  # "sign in", from Keycloak's own Arabic messages


def test_the_local_accounts_of_the_realm_file_sign_in_with_their_roles(identity_provider):
    accounts = {
        "123456789": ("Taawidaty-2026", "insured"),
        "111111111": ("Taawidaty-2026", "insured"),
        "900000001": ("Taawidaty-Agent-2026", "agent"),
    }
    for username, (password, role) in accounts.items():
        claims = jwt.decode(
            identity.password_token(username, password)["access_token"], options={"verify_signature": False}
        )
        assert claims["preferred_username"] == username and role in claims["realm_access"]["roles"], username
