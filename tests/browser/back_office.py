"""What the agents' browser tests share: claims put in the state an agent acts on (through the claims API, as the
e2e tests do), and the waits for the pipeline that follows an agent's action."""

import asyncio
import io
import time

import httpx
from PIL import Image, ImageDraw, ImageFont
from playwright.async_api import Page

from tests.e2e.flow import INSURED_DOCUMENTS, client_for, insured_form, submit_claim
from tests.e2e.samples import pdf_scan

# Eligible, with an amount above the inspection rule's 100,000.00: selected for a physical inspection
RICH_CAREER = {
    "birth_date": "1965-04-10",
    "contribution_days": 900,
    "ceased_activity_on": "2025-12-31",
    "contributions": [{"year": 2018, "salary_share": "110000.00", "employer_share": "4200.00"}],
}


def visible_scan(title: str, file_format: str) -> bytes:
    """A scan with something to see (a card with a title and lines), as PNG or PDF, so that the screenshots show
    whether the document is displayed."""
    image = Image.new("RGB", (900, 560), "#fbf8ef")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 880, 540), outline="#00573f", width=8)
    draw.rectangle((40, 40, 860, 130), fill="#00573f")
    draw.text((60, 60), title, fill="#ffffff", font=ImageFont.load_default(size=48))
    for row in range(5):
        draw.rectangle((60, 180 + row * 70, 300 + (row * 97) % 480, 205 + row * 70), fill="#5a6b7b")
    buffer = io.BytesIO()
    image.save(buffer, format=file_format)
    return buffer.getvalue()


def claims_api(portal, registration_number: str) -> httpx.Client:
    """The claims API as the insured (a token of the local key, subject their registration number: the same owner
    as their identity provider's account)."""
    return client_for(portal.stack.url("claims"), registration_number)


def file_late_claim(api: httpx.Client, registration_number: str, **fields) -> dict:
    """A force-majeure claim filed after its deadline (the registry's date of cessation), with its proof: it goes to
    manual review."""
    return submit_claim(
        api,
        insured_form(registration_number, force_majeure=True, ceased_activity_on=None, **fields),
        (*INSURED_DOCUMENTS, ("force_majeure_proof", pdf_scan())),
    )


async def status_becomes(api: httpx.Client, claim_id: str, status: str, timeout_s: float = 90) -> dict:
    deadline, claim = time.monotonic() + timeout_s, {}
    while time.monotonic() < deadline:
        claim = api.get(f"/claims/{claim_id}").raise_for_status().json()
        if claim["status"] == status:
            return claim
        await asyncio.sleep(0.5)
    raise AssertionError(f"claim {claim_id} never {status}: {claim.get('status')}")


async def reload_until(page: Page, check, what: str, timeout_s: float = 120) -> None:
    """Reload the page until `await check()` is true (pages without JavaScript do not refresh themselves)."""
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, f"{what} not shown after {timeout_s}s on {page.url}"
        await asyncio.sleep(2)
        await page.reload()


async def csrf_token(page: Page) -> str:
    return await page.locator("input[name=csrf_token]").first.get_attribute("value") or ""


async def post_from_the_page(page: Page, action: str, fields: dict[str, str]) -> None:
    """Submit a form the page does not offer (as someone editing the page would), and wait for the answer page."""
    async with page.expect_navigation():
        await page.evaluate(
            """([action, fields]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = action;
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
        }""",
            [action, fields],
        )
