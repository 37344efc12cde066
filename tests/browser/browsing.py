"""Debian's Chromium driven by Playwright for Python (async API), and what the portal's browser tests do on a page:
check its accessibility with axe-core, take a screenshot, sign in on Keycloak's login page.

The async API because the tests run on pytest-asyncio's session event loop: the sync API refuses to start inside a
running loop (every `async def` test), and its own loop and greenlets would fight the session loop in a sync test.

axe-core runs with JavaScript off too. `page.evaluate` still works in a context made with
`java_script_enabled=False` (Playwright evaluates through the DevTools protocol, not through the page's scripts),
but `page.add_script_tag` only inserts a dead <script> element there, and a timer never fires, so `axe.run`, which
defers its work with `setTimeout`, never ends. So axe's source is evaluated by `page.evaluate` itself (which the
page's Content-Security-Policy does not restrict either: `add_script_tag` is refused by `script-src 'self'`), and
with JavaScript off its `setTimeout` is replaced, inside axe only, by a microtask (delays of 0) or nothing (axe's
guard timeouts). What axe checks is the page as the browser built it without running the page's scripts (its
<noscript> content shown).
"""

import json
import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, Playwright

from tests import identity
from tests.conftest import OUTPUT

CHROMIUM = os.environ.get("TAAWIDATY_CHROMIUM", "/usr/bin/chromium")
# headless as root without a sandbox; no calls to Google's services, which this machine's closed network refuses
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_CACHE = os.environ.get("TAAWIDATY_CACHE") or f"{os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache'}/taawidaty"
AXE_JS = Path(os.environ.get("TAAWIDATY_AXE_JS") or f"{_CACHE}/node/node_modules/axe-core/axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = OUTPUT / "screenshots"
ACCESSIBILITY = OUTPUT / "accessibility"
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
TIMEOUT_MS = 20_000

_WITHOUT_JAVASCRIPT: weakref.WeakSet[BrowserContext] = weakref.WeakSet()

_RUN_AXE = """async ([source, tags, javascript]) => {
  const later = (callback, ms, ...args) => {
    if (!ms && typeof callback === 'function') Promise.resolve().then(() => callback(...args));
    return 0;
  };
  const timers = javascript ? [setTimeout.bind(window), clearTimeout.bind(window)] : [later, () => {}];
  const axe = new Function('setTimeout', 'clearTimeout', source + '\\n;return axe;')(...timers);
  return await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
}"""


async def launch(playwright: Playwright) -> Browser:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: run deploy/local/setup.sh (Debian package chromium)")
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


async def new_context(
    browser: Browser, device: str = "desktop", javascript: bool = True, locale: str = "fr-MA", **options
) -> BrowserContext:
    """A fresh context (its own cookies): `device` "desktop" (1280x900) or "phone" (360x740, mobile, touch);
    `options` go to Playwright's `browser.new_context` (base_url, color_scheme, ...)."""
    context = await browser.new_context(**DEVICES[device], java_script_enabled=javascript, locale=locale, **options)
    context.set_default_timeout(TIMEOUT_MS)
    if not javascript:
        _WITHOUT_JAVASCRIPT.add(context)
    return context


def javascript_on(page: Page) -> bool:
    return page.context not in _WITHOUT_JAVASCRIPT


async def check_accessibility(page: Page, label: str, javascript: bool | None = None) -> None:
    """Fails with the list of axe-core's WCAG 2.2 A/AA violations on the page as it is now (each rule's id, impact,
    what it asks and the elements concerned); the full report goes to tests/output/accessibility/<label>.json.
    `javascript`: whether the page runs scripts; by default as its context was made by `new_context`."""
    violations = await axe_violations(page, javascript)
    if not violations:
        return
    ACCESSIBILITY.mkdir(parents=True, exist_ok=True)
    report = ACCESSIBILITY / f"{file_name(label)}.json"
    report.write_text(json.dumps({"url": page.url, "violations": violations}, ensure_ascii=False, indent=2))
    lines = [f"{len(violations)} accessibility violation(s) on {label} ({page.url}); details in {report}:"]
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        shown = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} -> {shown}")
    raise AssertionError("\n".join(lines))


async def axe_violations(page: Page, javascript: bool | None = None) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now (axe's own JSON: id, impact, help, nodes...)."""
    if not AXE_JS.exists():
        raise RuntimeError(f"no axe-core at {AXE_JS}: run deploy/local/setup.sh")
    javascript = javascript_on(page) if javascript is None else javascript
    results = await page.evaluate(_RUN_AXE, [AXE_JS.read_text(), AXE_TAGS, javascript])
    return results["violations"]


async def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of the page as it is now, in tests/output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{file_name(name)}.png"
    await page.screenshot(path=path, full_page=True)
    return path


async def sign_in(page: Page, username: str, password: str) -> None:
    """On Keycloak's login page (the page is there or on its way there): type the registration number and the
    password, send, and wait until the browser left Keycloak (back to the portal, signed in)."""
    await page.wait_for_url(f"{identity.BASE_URL}/**")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(password)
    await page.locator("#kc-login").click()
    await page.wait_for_url(lambda url: not url.startswith(identity.BASE_URL))


@dataclass(frozen=True)
class Account:
    """A person who can sign in: a registration number known to the eligibility registry and to Keycloak."""

    username: str
    password: str


def file_name(label: str) -> str:
    return re.sub(r"[^\w.-]+", "-", label).strip("-") or "page"
