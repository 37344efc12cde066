"""What the portal refuses: another person's claim or receipt, a form posted from another site or without this
session's token, a guessed password (ten wrong ones lock the account), inline scripts; and what it keeps to itself."""

import asyncio
import base64
import json
import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from tests import identity
from tests.browser.browsing import sign_in
from tests.browser.portal_pages import check_page, fill_insured_form

pytestmark = pytest.mark.browser


async def start_a_claim(page, account) -> str:
    await page.goto("/claims/new?type=insured")
    await sign_in(page, account.username, account.password)
    await fill_insured_form(page, "0661000111")
    await page.get_by_role("button", name="Enregistrer et continuer").last.click()
    await expect(page.locator("h1")).to_have_text("Vos documents")
    return page.url.split("/claims/")[1].split("/")[0]


async def test_one_person_cannot_open_anothers_claim_or_receipt(portal, new_page, enrol_account):
    owner, other = await enrol_account(), await enrol_account()
    owners_page = await new_page(base_url=portal.url)
    claim_id = await start_a_claim(owners_page, owner)
    page = await new_page(base_url=portal.url)
    await page.goto("/claims")
    await sign_in(page, other.username, other.password)
    for path in (
        f"/claims/{claim_id}",
        f"/claims/{claim_id}/documents",
        f"/claims/{claim_id}/receipt",
        f"/claims/{claim_id}/review",
        f"/claims/{claim_id}/form",
    ):
        response = await page.goto(path)
        assert response.status == 404, path
        await expect(page.locator("h1")).to_have_text("Page introuvable")
    await check_page(page, "not-found")
    await expect(page.locator("main")).not_to_contain_text(owner.username)


@pytest.fixture
def another_site() -> Iterator[list[str]]:
    """A page on another site (`localhost` is not the portal's `127.0.0.1`) whose form posts to the portal."""
    pages: list[str] = []

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = pages[0].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages.append(f"http://localhost:{server.server_port}/")
    yield pages
    server.shutdown()


async def test_a_form_posted_from_another_site_is_refused(portal, new_page, new_insured, another_site):
    page = await new_page(base_url=portal.url)
    claim_id = await start_a_claim(page, new_insured)
    another_site.insert(
        0,
        f"""<!doctype html><html lang="fr"><title>Gagnez</title><body>
      <form method="post" action="{portal.url}/claims/{claim_id}/submit"><button>Gagner un cadeau</button></form>
      <form method="post" action="{portal.url}/claims/{claim_id}/form">
        <input name="applicant_name" value="Pirate"><input name="phone" value="0661999999">
        <input name="csrf_token" value="guessed"><button>Changer</button></form>""",
    )
    for button in ("Gagner un cadeau", "Changer"):
        await page.goto(another_site[1])
        await page.get_by_role("button", name=button).click()
        await expect(page.locator("h1")).to_have_text("Formulaire refusé")
    await check_page(page, "forged-form")

    same_site_without_token = await page.request.post(f"{portal.url}/claims/{claim_id}/submit", form={"x": "1"})
    assert same_site_without_token.status == 403
    await page.goto(f"/claims/{claim_id}/review")
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    from_elsewhere = await page.request.post(  # the session's cookie and token, but sent by another site's page
        f"{portal.url}/claims/{claim_id}/submit",
        form={"csrf_token": token},
        headers={"Origin": "http://localhost:9", "Sec-Fetch-Site": "cross-site"},
    )
    assert from_elsewhere.status == 403
    await page.goto(f"/claims/{claim_id}/review")
    await expect(page.locator("h1")).to_have_text("Vérifiez vos réponses avant de valider")  # still a draft
    await expect(page.locator("main")).not_to_contain_text("Pirate")


async def test_ten_wrong_passwords_lock_the_account_for_a_while(portal, new_page, new_insured):
    page = await new_page(base_url=portal.url)
    await page.goto("/login")
    for attempt in range(10):
        await page.locator("#username").fill(new_insured.username)
        await page.locator("#password").fill(f"wrong-{attempt}")
        await page.locator("#kc-login").click()
        await expect(page.locator("#input-error, .kc-feedback-text, [id*=error]").first).to_be_visible()
    assert await asyncio.to_thread(identity.is_locked, new_insured.username)
    keycloak_log = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run")) / "logs" / "keycloak.log"
    assert new_insured.username not in keycloak_log.read_text(errors="replace")  # failed sign-ins are not logged
    await page.locator("#username").fill(new_insured.username)
    await page.locator("#password").fill(new_insured.password)
    await page.locator("#kc-login").click()
    await expect(page.locator("#kc-login")).to_be_visible()  # the right password no longer signs in
    assert page.url.startswith(identity.BASE_URL)


async def test_pages_forbid_inline_scripts_and_keep_the_session_out_of_scripts(portal, new_page, new_insured):
    page = await new_page(base_url=portal.url)
    await page.goto("/claims")
    await sign_in(page, new_insured.username, new_insured.password)
    for path in ("/", "/claims", "/eligibility", "/verification", "/claims/new"):
        response = await page.goto(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    cookies = {cookie["name"]: cookie for cookie in await page.context.cookies(portal.url)}
    session = cookies["taawidaty-session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert await page.evaluate("document.cookie") in ("", "lang=fr")
    assert new_insured.username not in str(await page.context.storage_state())  # the tokens stay on the server

    await page.get_by_role("button", name="Se déconnecter").click()  # out of the identity provider too
    await page.goto("/claims")
    await expect(page.locator("#username")).to_be_visible()


async def test_the_apis_take_the_providers_tokens_and_refuse_altered_ones(portal, new_insured):
    token = (await asyncio.to_thread(identity.password_token, new_insured.username, new_insured.password))[
        "access_token"
    ]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["preferred_username"] = "123456789"  # someone else's registration number, same signature
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    async with httpx.AsyncClient(timeout=30) as client:
        for service, path in (("claims", "/claims"), ("eligibility", "/estimate")):
            url = f"{portal.stack.url(service)}{path}"
            method = client.get if service == "claims" else partial(client.post, json={})
            genuine = await method(url, headers={"Authorization": f"Bearer {token}"})
            assert genuine.status_code == 200, (service, genuine.text)
            forged = await method(url, headers={"Authorization": f"Bearer {header}.{forged_payload}.{signature}"})
            assert forged.status_code == 401, (service, forged.text)
