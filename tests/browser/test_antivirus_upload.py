"""The EICAR test file sent from the documents page, in a real browser, on the stack whose documents service scans
with the real clamd: the page says, next to the item, that the file contains a virus (in the page's language), and
nothing is attached to the claim or kept in quarantine."""

import re

import pytest
from minio import Minio
from playwright.async_api import expect

from tests.browser.browsing import sign_in
from tests.browser.portal_pages import check_page, fill_insured_form, upload
from tests.browser.test_claimant_path import ARABIC, FRENCH
from tests.e2e.flow import phone_of
from tests.e2e.stack import Stack
from tests.unit.documents.hostile_files import EICAR  # built at run time from two halves, never stored whole

pytestmark = pytest.mark.browser

INFECTED = {"fr": "Le fichier contient un virus.", "ar": "يحتوي الملف على فيروس."}


@pytest.fixture(scope="module")
def stack(portal) -> Stack:
    """The stack the portal runs on, for the clamd check."""
    return portal.stack


@pytest.mark.parametrize("language, device", [("fr", "desktop"), ("ar", "phone")])
async def test_the_eicar_file_sent_from_the_documents_page_is_refused_as_infected_and_not_attached(
    clamd,
    portal,
    new_page,
    new_insured,
    minio: Minio,
    language,
    device,
):
    assert len(EICAR) == 68 and EICAR.endswith(b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
    words = ARABIC if language == "ar" else FRENCH
    page = await new_page(base_url=portal.url, device=device, locale=f"{language}-MA")
    await page.goto("/claims/new")
    await sign_in(page, new_insured.username, new_insured.password)
    await page.locator("label[for=type-insured]").click()
    await page.get_by_role("button", name=words["continue"]).click()
    await fill_insured_form(page, phone_of(new_insured.username).replace("+212", "0"))
    await page.get_by_role("button", name=words["save"]).last.click()
    await expect(page.locator("h1")).to_have_text(words["documents"])
    claim_id = re.search(r"/claims/([^/]+)/documents", page.url).group(1)

    await upload(page, "identity_card", ("cni.pdf", "application/pdf", EICAR))
    refusal = page.locator("#doc-identity_card-refused")
    await expect(refusal).to_contain_text("cni.pdf")
    await expect(refusal).to_contain_text(INFECTED[language])
    assert await page.locator("[id$=-refused]").count() == 1  # next to its own item only
    await expect(page.locator("#doc-identity_card .file-list li")).to_have_count(0)
    await expect(page.locator("#doc-identity_card .tag-done")).to_have_count(0)
    await check_page(page, "documents-infected-file")

    await page.reload()  # what the claim holds, not what the refusal said
    await expect(page.locator("h1")).to_have_text(words["documents"])
    await expect(page.locator("#doc-identity_card-refused")).to_have_count(0)
    assert await page.locator(".file-list li").count() == 0
    assert list(minio.list_objects("quarantine", prefix=f"{claim_id}/", recursive=True)) == []
