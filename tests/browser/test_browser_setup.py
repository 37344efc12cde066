"""The browser-test tools work, without the portal: Debian's Chromium renders a local Arabic page right to left, on a
desktop and on a phone, with and without JavaScript; axe-core finds the faults of a faulty page and none on a good
one (so a clean report of the portal's pages means something); screenshots are written."""

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.browser.browsing import axe_violations, check_accessibility, screenshot

pytestmark = pytest.mark.browser

GOOD = """<!doctype html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>تعويضاتي — تجربة المتصفح</title></head>
<body>
<header><p>الصندوق الوطني للضمان الاجتماعي</p></header>
<main>
<h1>استرجاع الاشتراكات الأجرية</h1>
<form method="post" action="/good">
<label for="number">رقم التسجيل</label>
<input id="number" name="number" inputmode="numeric" autocomplete="username">
<button type="submit">متابعة</button>
</form>
<noscript><p id="without-javascript">هذه الصفحة تعمل بدون جافاسكريبت</p></noscript>
<script src="/page.js"></script>
</main>
</body>
</html>"""
BAD = """<!doctype html>
<html><head><meta charset="utf-8"><title>Mauvaise page</title><link rel="stylesheet" href="/bad.css"></head>
<body><img src="/scan.png"><input name="q"><p class="faint">contraste trop faible</p></body>
</html>"""
PAGES = {
    "/good": ("text/html; charset=utf-8", GOOD),
    "/bad": ("text/html; charset=utf-8", BAD),
    "/page.js": ("text/javascript", "document.body.dataset.javascript = 'ran';"),
    "/bad.css": ("text/css", ".faint { color: #c8c8c8; background: #fff; }"),
}
EXPECTED = {"html-has-lang", "image-alt", "label", "color-contrast"}


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        content_type, body = PAGES.get(self.path, ("text/plain", "not found"))
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", content_type)
        # as strict as a real portal should be (no inline script or style): axe is not injected as a <script>, which
        # this would refuse
        self.send_header("Content-Security-Policy", "default-src 'self'")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("device", ["desktop", "phone"])
async def test_chromium_renders_an_arabic_page_right_to_left_and_a_screenshot_is_written(new_page, site, device):
    page = await new_page(device=device, locale="ar-MA")
    await page.goto(f"{site}/good")

    width = {"desktop": 1280, "phone": 360}[device]
    assert await page.evaluate("[innerWidth, getComputedStyle(document.body).direction]") == [width, "rtl"]
    heading = await page.locator("h1").bounding_box()
    assert heading and heading["x"] + heading["width"] > width - 20  # starts at the right edge
    assert await page.evaluate("navigator.language") == "ar-MA"
    assert await page.evaluate("document.body.dataset.javascript") == "ran"
    if device == "phone":
        assert await page.evaluate("matchMedia('(pointer: coarse)').matches")
    shot = await screenshot(page, f"browser-setup-arabic-{device}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 2000


async def test_a_page_without_javascript_shows_its_noscript_content_and_runs_no_script(new_page, site):
    page = await new_page(javascript=False, locale="ar-MA")
    await page.goto(f"{site}/good")

    assert await page.locator("#without-javascript").is_visible()
    assert await page.evaluate("document.body.dataset.javascript") is None


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_axe_reports_the_faults_of_a_faulty_page(new_page, site, javascript):
    page = await new_page(javascript=javascript)
    await page.goto(f"{site}/bad")

    assert {violation["id"] for violation in await axe_violations(page)} >= EXPECTED
    with pytest.raises(AssertionError, match=r"(?s)image-alt \(critical\).*-> img") as failure:
        await check_accessibility(page, f"browser-setup-bad-{javascript}")
    assert all(rule in str(failure.value) for rule in EXPECTED)


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_axe_finds_nothing_on_a_good_page(new_page, site, device, javascript):
    page = await new_page(device=device, javascript=javascript, locale="ar-MA")
    await page.goto(f"{site}/good")

    await check_accessibility(page, f"browser-setup-good-{device}-{javascript}")
