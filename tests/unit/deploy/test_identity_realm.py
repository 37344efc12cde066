"""deploy/keycloak/taawidaty-realm.json, the realm the local run, the tests and docker-compose import, agrees with
what the portal, the services and the local scripts expect of the identity provider."""

import json
import re

from tests.unit.deploy.facts import DEPLOY, compose

REALM = json.loads((DEPLOY / "keycloak" / "taawidaty-realm.json").read_text())
ENV_SH = dict(re.findall(r'^: "\$\{(\w+):=([^}]*)\}"', (DEPLOY / "local" / "env.sh").read_text(), re.MULTILINE))
E2E_PORTAL = "http://127.0.0.1:28085"  # tests/e2e/stack.py: BASE_PORT 28080 + the portal's index 5


def client(client_id: str) -> dict:
    (found,) = [entry for entry in REALM["clients"] if entry["clientId"] == client_id]
    return found


def audiences(entry: dict) -> set[str]:
    return {
        mapper["config"]["included.custom.audience"]
        for mapper in entry["protocolMappers"]
        if mapper["protocolMapper"] == "oidc-audience-mapper" and mapper["config"]["access.token.claim"] == "true"
    }


def test_env_sh_points_the_services_and_the_portal_at_this_realm():
    assert ENV_SH["OIDC_ISSUER"] == f"$TAAWIDATY_KEYCLOAK_URL/realms/{REALM['realm']}"
    assert ENV_SH["OIDC_JWKS_URL"] == "$OIDC_ISSUER/protocol/openid-connect/certs"
    assert ENV_SH["PORTAL_OIDC_CLIENT_ID"] == "taawidaty-portal"
    assert ENV_SH["PORTAL_OIDC_CLIENT_SECRET"] == client("taawidaty-portal")["secret"]
    assert ENV_SH["PORTAL_SECURE_COOKIES"] == "false"


def test_the_portal_client_is_confidential_with_the_code_flow_and_pkce_only_back_to_the_portals_we_run():
    portal = client("taawidaty-portal")
    assert portal["publicClient"] is False and portal["clientAuthenticatorType"] == "client-secret"
    assert portal["standardFlowEnabled"] is True
    assert portal["directAccessGrantsEnabled"] is False and portal["implicitFlowEnabled"] is False
    assert portal["serviceAccountsEnabled"] is False
    assert portal["attributes"]["pkce.code.challenge.method"] == "S256"
    public_urls = {
        ENV_SH["PORTAL_PUBLIC_URL"],
        compose()["services"]["portal"]["environment"]["PORTAL_PUBLIC_URL"],
        E2E_PORTAL,
    }
    assert set(portal["redirectUris"]) == {f"{url}/auth/callback" for url in public_urls}
    assert set(portal["attributes"]["post.logout.redirect.uris"].split("##")) == {f"{url}/*" for url in public_urls}
    assert ENV_SH["OIDC_AUDIENCE"] in audiences(portal)


def test_the_local_tools_client_has_the_password_grant_only_and_the_same_audience():
    tools = client("taawidaty-local-tools")
    assert tools["publicClient"] is False and tools["directAccessGrantsEnabled"] is True
    assert tools["standardFlowEnabled"] is False and tools["implicitFlowEnabled"] is False
    assert audiences(tools) == audiences(client("taawidaty-portal")) == {"taawidaty"}


def test_roles_brute_force_lifespans_and_languages():
    assert {role["name"] for role in REALM["roles"]["realm"]} == {"insured", "agent"}
    assert "insured" in REALM["defaultRole"]["composites"]["realm"]
    assert REALM["bruteForceProtected"] is True and REALM["permanentLockout"] is False
    assert REALM["failureFactor"] == 10 and REALM["waitIncrementSeconds"] > 0
    assert (REALM["accessTokenLifespan"], REALM["ssoSessionIdleTimeout"]) == (300, 1800)
    assert REALM["internationalizationEnabled"] is True
    assert (set(REALM["supportedLocales"]), REALM["defaultLocale"]) == ({"fr", "ar"}, "fr")
    assert REALM["localizationTexts"]["fr"]["username"] == "Numéro d''immatriculation"  # MessageFormat quoting
    assert REALM["localizationTexts"]["ar"]["username"] == "رقم التسجيل"
    assert REALM["registrationAllowed"] is False and REALM["loginWithEmailAllowed"] is False


def test_usernames_are_nine_digits_by_the_user_profile_and_every_local_account_has_one():
    (provider,) = REALM["components"]["org.keycloak.userprofile.UserProfileProvider"]
    (config,) = provider["config"]["kc.user.profile.config"]
    attributes = {attribute["name"]: attribute for attribute in json.loads(config)["attributes"]}
    pattern = attributes["username"]["validations"]["pattern"]["pattern"]
    assert pattern == r"^\d{9}$"
    # nothing else is required of a claimant, so signing in never stops at a profile form
    assert not any("required" in attribute for attribute in attributes.values())
    users = {user["username"]: user for user in REALM["users"]}
    assert all(re.fullmatch(pattern, username) for username in users)
    assert "insured" in users["123456789"]["realmRoles"] and "insured" in users["111111111"]["realmRoles"]
    assert users["900000001"]["realmRoles"] == ["agent"]
