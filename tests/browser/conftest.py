"""Fixtures of the browser tests: Debian's Chromium (one per session), pages made for a desktop or a phone, with or
without JavaScript, and the portal running on the test stack with fresh accounts to sign in with.

The helpers a test calls on a page (`check_accessibility`, `screenshot`, `sign_in`) are in tests/browser/browsing.py.
Mark the tests `pytestmark = pytest.mark.browser` (registered below).

The portal runs on the e2e stack when the e2e tests started one in this session (`pytest tests/e2e tests/browser`),
else on a stack of its own for this folder (package scope), gone before a later e2e test starts its own on the
same ports (a whole-suite run takes tests/browser first).
"""

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests import identity
from tests.browser.browsing import SCREENSHOTS, Account, file_name, launch, new_context
from tests.e2e.conftest import minio, mongo, producer  # noqa: F401 - fixtures the browser tests share
from tests.e2e.flow import enrol_insured
from tests.e2e.stack import Stack, portal_environment, running_stack
from tests.e2e.test_antivirus import clamd  # noqa: F401 - a fixture: fails, never skips, when no clamd answers
from tests.running_stacks import RUNNING_STACKS, watch_running_stacks

PASSWORD = "Taawidaty-Browser-2026"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: in Debian's Chromium through Playwright (tests/browser)")
    watch_running_stacks(config)


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless (never a browser Playwright downloaded)."""
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        yield browser
        await browser.close()


NewPage = Callable[..., Awaitable[Page]]


@pytest.fixture
async def new_page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[NewPage]:
    """`await new_page(device="desktop"|"phone", javascript=True, locale="fr-MA"|"ar-MA", **context_options)`: a page
    in a context of its own (its own cookies: each call is another person). After a failed test every page still
    open is saved as tests/output/screenshots/FAILED-<test>-<n>.png."""
    contexts: list[BrowserContext] = []

    async def make(device: str = "desktop", javascript: bool = True, locale: str = "fr-MA", **options) -> Page:
        context = await new_context(browser, device, javascript, locale, **options)
        contexts.append(context)
        return await context.new_page()

    yield make
    if request.node.stash.get(_FAILED, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pages = [page for context in contexts for page in context.pages]
        for n, page in enumerate(pages):
            with contextlib.suppress(Exception):  # a page that cannot be shot does not hide the failure
                await page.screenshot(
                    path=SCREENSHOTS / f"FAILED-{file_name(request.node.name)}-{n}.png", full_page=True
                )
    for context in contexts:
        await context.close()


@dataclass(frozen=True)
class Portal:
    stack: Stack  # the five services too: stack.url("claims"), ...

    @property
    def url(self) -> str:
        return self.stack.url("portal")


@pytest.fixture(scope="package")
def portal(servers: dict[str, str], run_id: str, identity_provider: dict[str, str]) -> Iterator[Portal]:
    """`python -m services.portal` on the test stack (http://127.0.0.1:28085), signing in through the local Keycloak;
    the claims and eligibility services verify Keycloak's tokens."""
    env = portal_environment(identity_provider)
    if (stack := RUNNING_STACKS.any()) is not None:
        stack.env |= env  # the services that verify the person's tokens learn the identity provider
        stack.stop("claims", "eligibility")
        stack.start("claims", "eligibility")
        stack.wait_consuming()
        stack.start("portal")
        try:
            yield Portal(stack)
        finally:
            stack.stop("portal")
        return
    with running_stack(servers, run_id, env) as stack:
        stack.start("portal")
        yield Portal(stack)


EnrolAccount = Callable[..., Awaitable[Account]]


@pytest.fixture
async def enrol_account(portal: Portal, producer, mongo, run_id: str) -> EnrolAccount:  # noqa: F811
    """`await enrol_account(career=None, roles=("insured",))`: a fresh 9-digit registration number in the eligibility
    registry (`career`: tests/e2e/flow.py ELIGIBLE_CAREER by default) and a Keycloak user of that name."""

    async def enrol(career: dict | None = None, roles: tuple[str, ...] = ("insured",)) -> Account:
        number = await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], career)
        await asyncio.to_thread(identity.create_user, number, PASSWORD, roles)
        return Account(number, PASSWORD)

    return enrol


EnrolAgent = Callable[..., Awaitable[Account]]


@pytest.fixture
async def enrol_agent() -> EnrolAgent:
    """`await enrol_agent(agency="CASA-ANFA")`: a fresh CNSS agent who can sign in (Keycloak role `agent`, the
    `agency` attribute the realm puts in the tokens; a 9-digit user name, as the realm's user profile wants)."""

    async def enrol(agency: str = "CASA-ANFA") -> Account:
        username = f"9{random.randrange(10**7, 10**8)}"
        await asyncio.to_thread(
            identity.create_user, username, PASSWORD, ("agent",), {"agency": agency}, "Agent", agency.title()
        )
        return Account(username, PASSWORD)

    return enrol


@pytest.fixture
async def new_insured(enrol_account: EnrolAccount) -> Account:
    """An eligible insured who can sign in: `new_insured.username` (registration number), `.password`."""
    return await enrol_account()
