"""The path by keyboard alone, and a claim being filled found again after signing out and back in."""

import asyncio

import pytest
from playwright.async_api import FileChooser, Page, expect

from tests import identity
from tests.browser.browsing import TIMEOUT_MS
from tests.browser.portal_pages import PDF, PNG, check_page
from tests.e2e.flow import phone_of

pytestmark = pytest.mark.browser


async def tab_to(page: Page, wanted: str, limit: int = 80) -> None:
    """Press Tab until the focused element's id or text is `wanted` (as someone without a mouse would)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("""() => { const e = document.activeElement;
            return e ? [e.id, (e.innerText || e.value || '').replace(/\\s+/g, ' ').trim()] : ['', '']; }""")
        if wanted in focused:
            return
    raise AssertionError(f"{wanted!r} cannot be reached with Tab on {page.url}")


async def sign_in_by_keyboard(page: Page, username: str, password: str) -> None:
    await page.wait_for_selector("#username")
    await page.locator("#username").focus()
    await page.keyboard.type(username)
    await page.keyboard.press("Tab")
    await page.keyboard.type(password)
    await page.keyboard.press("Enter")
    await page.wait_for_url(lambda url: not url.startswith(identity.BASE_URL))
    await page.wait_for_load_state()


def file_choosers(page: Page) -> asyncio.Queue[FileChooser]:
    """The file choosers the page opens, from now on. Playwright intercepts them only while it has a listener, and
    turns that on without waiting for the browser: with `expect_file_chooser` around the key press, the browser
    sometimes opened the chooser first and cancelled it (the input got its `cancel` event): 3 times in 100 runs of two
    uploads on a busy machine, and never with one listener for the page's whole life, which keeps interception on."""
    choosers: asyncio.Queue[FileChooser] = asyncio.Queue()
    page.on("filechooser", choosers.put_nowait)
    return choosers


async def send_by_keyboard(
    page: Page, choosers: asyncio.Queue[FileChooser], doc_type: str, name: str, mime: str, content: bytes
) -> None:
    await page.wait_for_load_state()  # the page's script set up the upload field (a busy machine runs it late)
    await tab_to(page, f"file-{doc_type}")
    await page.keyboard.press("Space")
    try:
        chooser = await asyncio.wait_for(choosers.get(), timeout=TIMEOUT_MS / 1000)
    except TimeoutError:
        raise AssertionError(f"Space on the field file-{doc_type} opened no file chooser") from None
    await chooser.set_files([{"name": name, "mimeType": mime, "buffer": content}])
    await tab_to(
        page,
        "Envoyer : " + await page.locator(f"#doc-{doc_type}-title").evaluate("e => e.firstChild.textContent.trim()"),
    )
    await page.keyboard.press("Enter")
    await expect(page.locator(f"#doc-{doc_type} .tag-done")).to_be_visible()


async def test_a_claim_is_filed_by_keyboard_alone_and_kept_across_a_sign_out(portal, new_page, new_insured):
    page = await new_page(base_url=portal.url)
    choosers = file_choosers(page)
    await page.goto("/")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip-link"  # the first stop skips the menu
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    await tab_to(page, "Créer une demande")
    await page.keyboard.press("Enter")
    await sign_in_by_keyboard(page, new_insured.username, new_insured.password)

    await tab_to(page, "type-insured")
    await page.keyboard.press("Space")
    await tab_to(page, "Continuer")
    await page.keyboard.press("Enter")
    await expect(page.locator("#applicant_name")).to_be_visible()
    await tab_to(page, "applicant_name")
    await page.keyboard.type("Fatima Zahra El Amrani")
    await tab_to(page, "phone")
    await page.keyboard.type(phone_of(new_insured.username).replace("+212", "0"))
    await tab_to(page, "ceased_activity_on")
    await page.keyboard.type("31/12/2025")
    await page.keyboard.press("Enter")  # Enter in a field saves the form (the first button), never removes anything
    await expect(page.locator("h1")).to_have_text("Vos documents")
    claim_page = page.url
    await send_by_keyboard(page, choosers, "identity_card", "cni.pdf", "application/pdf", PDF)
    await check_page(page, "documents-keyboard")

    await tab_to(page, "Se déconnecter")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    await page.goto("/claims/new")
    await sign_in_by_keyboard(page, new_insured.username, new_insured.password)
    await expect(page).to_have_url(claim_page)  # the claim being filled, where it was left
    await expect(page.locator("#doc-identity_card .file-list")).to_contain_text("cni.pdf")

    await send_by_keyboard(page, choosers, "bank_details", "rib.png", "image/png", PNG)
    await tab_to(page, "Continuer : vérifier vos réponses")
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("Vérifiez vos réponses avant de valider")
    await tab_to(page, "Valider")
    await page.keyboard.press("Enter")
    await expect(page.locator("#claim-reference")).to_be_visible()
