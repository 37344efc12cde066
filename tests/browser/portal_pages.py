"""What a person does on the portal's pages, step by step, for the browser tests; and the checks every page
passes (accessibility, a screenshot, a Content-Security-Policy without inline script)."""

import asyncio
import re
import subprocess
import time
from pathlib import Path

from playwright.async_api import Page, expect

from tests.browser.browsing import check_accessibility, screenshot
from tests.e2e.samples import pdf_scan, png_scan

DISGUISED_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(2048)
PDF, PNG = pdf_scan(), png_scan()
_LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-zÀ-ÿ']{4,}(?![\w-])")  # a word, not part of a code like RCS-…-BDFD4D16
NAMES_AND_CODES = {"CNSS", "JPEG", "cnss", "RCS", "scan", "recto", "verso"}  # brand, formats, the tests' file names


async def check_page(page: Page, label: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation; the page's screenshot is written; no inline script runs; an
    Arabic page has no French left."""
    language = await page.locator("html").get_attribute("lang")
    device = "phone" if (page.viewport_size or {}).get("width", 1280) < 600 else "desktop"
    name = f"{label}-{language}-{device}"
    await screenshot(page, name)
    await check_accessibility(page, name)
    if language == "ar":
        await expect_arabic_only(page)
    assert await page.locator("script:not([src])").count() == 0, f"inline script on {name}"


async def expect_arabic_only(page: Page) -> None:
    """The page is in Arabic, right to left, with no French left (names, codes, formats and the link to the French
    page, marked `lang="fr"`, aside)."""
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    text = await page.evaluate("""() => {
        const body = document.body.cloneNode(true);  // what is marked as another language (the switch) aside
        body.querySelectorAll('[lang]:not([lang=ar])').forEach(element => element.remove());
        return body.innerText;
    }""")
    words = set(_LATIN_WORD.findall(text)) - NAMES_AND_CODES
    assert not words, f"French left on the Arabic page {page.url}: {sorted(words)[:20]}"


async def upload(page: Page, doc_type: str, *files: tuple[str, str, bytes]) -> None:
    """Choose files for one item of the documents' checklist and send them."""
    item = page.locator(f"#doc-{doc_type}")
    await item.locator(f"#file-{doc_type}").set_input_files(
        [{"name": name, "mimeType": mime, "buffer": content} for name, mime, content in files]
    )
    await item.locator("form.upload-form button[type=submit]").click()
    await page.wait_for_load_state()


async def fill_insured_form(page: Page, phone: str, name: str = "Fatima Zahra El Amrani") -> None:
    await page.locator("#applicant_name").fill(name)
    await page.locator("#phone").fill(phone)
    await page.locator("#ceased_activity_on").fill("31/12/2025")


async def upload_every_document(page: Page) -> list[str]:
    """A good scan for every item of the checklist; the item codes, in the page's order."""
    doc_types = [await item.get_attribute("id") for item in await page.locator("li.task").all()]
    doc_types = [doc_type.removeprefix("doc-") for doc_type in doc_types if doc_type]
    for index, doc_type in enumerate(doc_types):
        scan = ("scan.png", "image/png", PNG) if index % 2 else ("scan.pdf", "application/pdf", PDF)
        await upload(page, doc_type, scan)
    return doc_types


async def wait_for_text(page: Page, locator: str, text: str, timeout_s: float = 120) -> None:
    """Reload the page until `locator` shows `text` (for a page without JavaScript, or one that no longer polls)."""
    deadline = time.monotonic() + timeout_s
    while text not in (await page.locator(locator).inner_text()):
        assert time.monotonic() < deadline, f"{text!r} not shown in {locator} after {timeout_s}s on {page.url}"
        await asyncio.sleep(2)
        await page.reload()


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it, every run of white space one space (lines wrap in table cells)."""
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())
