"""The portal's pages as a signed-in person sees them: time to first byte and time to a usable page, per page.

Against a running system (`deploy/local/run.sh`), from the repository root:
``python -m benchmarks.portal_pages [--portal http://127.0.0.1:18085] [--rounds 20]``.
Signs in with Debian's Chromium as the local account (123456789 by default), starts a claim if the account has
none, then loads each page `--rounds` times, in turn, so that other load on the machine hits every page alike.
Figures come from the browser's Navigation Timing: first byte is `responseStart - requestStart` (the portal and
the services it calls); usable is `domContentLoadedEventEnd - startTime` (the page parsed, its stylesheet and
script loaded, ready for input).
"""

import argparse
import asyncio
import statistics

from playwright.async_api import Page, async_playwright

from benchmarks.percentiles import percentile
from tests.browser.browsing import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.samples import pdf_scan

TIMING = """() => { const n = performance.getEntriesByType('navigation')[0];
  return [n.responseStart - n.requestStart, n.domContentLoadedEventEnd - n.startTime, n.transferSize]; }"""


async def open_claim(page: Page, portal: str) -> str:
    """The path of the account's claim being filled, started with one document when there is none."""
    await page.goto(f"{portal}/claims/new?type=insured")
    if "/documents" not in page.url:
        await page.locator("#applicant_name").fill("Fatima Zahra El Amrani")
        await page.locator("#phone").fill("0612345601")
        await page.locator("#ceased_activity_on").fill("31/12/2025")
        await page.get_by_role("button", name="Enregistrer et continuer").last.click()
        await page.locator("#file-identity_card").set_input_files(
            [{"name": "cni.pdf", "mimeType": "application/pdf", "buffer": pdf_scan()}]
        )
        await page.locator("#doc-identity_card form.upload-form button[type=submit]").click()
    return page.url.split(portal, 1)[1].split("#")[0].removesuffix("/documents")


async def measure(portal: str, username: str, password: str, rounds: int) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(locale="fr-MA")).new_page()
        await page.goto(f"{portal}/claims")
        await page.locator("#username").fill(username)
        await page.locator("#password").fill(password)
        await page.locator("#kc-login").click()
        await page.wait_for_url(f"{portal}/claims")
        claim = await open_claim(page, portal)
        pages = {
            "home": "/",
            "eligibility (estimate)": "/eligibility",
            "my claims": "/claims",
            "claim form": f"{claim}/form",
            "documents (claim + checklist)": f"{claim}/documents",
            "check your answers": f"{claim}/review",
            "claim status": claim,
            "verification": "/verification",
        }
        figures: dict[str, list[tuple[float, float, int]]] = {name: [] for name in pages}
        for _ in range(rounds):
            for name, path in pages.items():
                await page.goto(f"{portal}{path}")
                figures[name].append(tuple(await page.evaluate(TIMING)))
        await browser.close()
    print(f"{'page':<32}{'first byte p50/p95 (ms)':>26}{'usable p50/p95 (ms)':>24}{'HTML (KB)':>11}")
    for name, samples in figures.items():
        first, usable = [s[0] for s in samples], [s[1] for s in samples]
        print(
            f"{name:<32}{statistics.median(first):>15.1f} / {percentile(first, 0.95):>6.1f}"
            f"{statistics.median(usable):>15.1f} / {percentile(usable, 0.95):>6.1f}"
            f"{statistics.median(s[2] for s in samples) / 1024:>11.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portal", default="http://127.0.0.1:18085")
    parser.add_argument("--username", default="123456789")
    parser.add_argument("--password", default="Taawidaty-2026")
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(measure(arguments.portal.rstrip("/"), arguments.username, arguments.password, arguments.rounds))


if __name__ == "__main__":
    main()
