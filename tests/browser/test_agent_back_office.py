"""The agents' back office in a real browser on the real stack, in French and Arabic: an agent records a physical
inspection after opening the claim's documents, and the claimant sees the acceptance and its SMS; four eyes on a
large force-majeure acceptance; a refusal made without a mouse nor JavaScript; claimants kept out of every page."""

import re

import pytest
from playwright.async_api import Page, expect

from contracts.agents import AGENT_REFUSAL_REASONS
from tests.browser.back_office import (
    RICH_CAREER,
    claims_api,
    csrf_token,
    file_late_claim,
    post_from_the_page,
    reload_until,
    status_becomes,
    visible_scan,
)
from tests.browser.browsing import Account, screenshot, sign_in
from tests.browser.portal_pages import check_page, fill_insured_form, upload, wait_for_text
from tests.browser.test_keyboard_and_drafts import tab_to
from tests.e2e.flow import LATE_CAREER, LATE_RICH_CAREER, phone_of
from tests.e2e.samples import smsc_messages

FORCE_MAJEURE_REFUSED = AGENT_REFUSAL_REASONS["FORCE_MAJEURE_REVIEW"][0]

pytestmark = pytest.mark.browser


async def open_from_queue(page: Page, queue_link: str, reference: str, label: str) -> str:
    """From the back office's home, the queue, then the claim's file (reloading the queue until the claim is in
    it); the claim's id."""
    await page.goto("/agent")
    await page.get_by_role("link", name=queue_link).click()
    await reload_until(page, lambda: page.get_by_role("link", name=reference).is_visible(), f"{reference} in queue")
    await check_page(page, label)
    await page.get_by_role("link", name=reference).click()
    await expect(page.locator("h1")).to_contain_text(reference)
    return page.url.rstrip("/").split("/agent/claims/")[1].split("?")[0].split("#")[0]


async def file_through_the_portal(page: Page, account: Account, agency: str) -> tuple[str, str]:
    """The claimant files a claim on the portal, choosing an agency for an inspection; (claim id, reference)."""
    await page.goto("/claims/new?type=insured")
    await sign_in(page, account.username, account.password)
    await fill_insured_form(page, phone_of(account.username).replace("+212", "0"))
    await page.locator("#agency").select_option(agency)
    await page.get_by_role("button", name="Enregistrer et continuer").last.click()
    await expect(page.locator("h1")).to_have_text("Vos documents")
    claim_id = page.url.split("/claims/")[1].split("/")[0]
    await upload(page, "identity_card", ("cni-recto.pdf", "application/pdf", visible_scan("CNIE recto", "PDF")))
    await upload(page, "bank_details", ("rib.png", "image/png", visible_scan("RIB bancaire", "PNG")))
    await expect(page.locator(".tag-done")).to_have_count(2)
    await page.get_by_role("link", name="Continuer : vérifier vos réponses").click()
    await expect(page.locator("#chosen-agency")).to_have_text("Casablanca Anfa")
    await page.get_by_role("button", name="Valider").click()
    reference = (await page.locator("#claim-reference").inner_text()).strip()
    return claim_id, reference


async def test_an_agent_opens_the_documents_and_records_a_passed_inspection_the_claimant_sees_it(
    portal, new_page, enrol_account, enrol_agent
):
    claimant = await new_page(base_url=portal.url)
    claim_id, reference = await file_through_the_portal(claimant, await enrol_account(RICH_CAREER), "CASA-ANFA")
    await wait_for_text(claimant, "#claim-status", "Casablanca Anfa")  # the agency chosen, on the claim's page

    agent = await enrol_agent("CASA-ANFA")
    page = await new_page(base_url=portal.url)
    await page.goto("/")
    await page.get_by_role("link", name="Se connecter").click()
    await sign_in(page, agent.username, agent.password)
    await expect(page).to_have_url(f"{portal.url}/agent")  # an agent signing in from the home page: the back office
    await expect(page.get_by_role("navigation", name="Menu principal")).to_contain_text("Espace agents")
    await expect(page.locator("#queue-inspection")).to_contain_text("Casablanca Anfa")
    await check_page(page, "agent-home")

    await page.goto("/agent/queues/returned")
    await expect(page.locator("h1")).to_have_text("Dossiers renvoyés pour documents")
    await check_page(page, "agent-queue-returned")
    await page.goto("/agent/queues/inspection")
    await expect(page.locator("#agency")).to_have_value("CASA-ANFA")  # the agent's own agency first
    await expect(page.locator("#agency option[value=all]")).to_have_text("Toutes les agences")
    assert (
        await open_from_queue(page, "Contrôles physiques en attente de résultat", reference, "agent-queue-inspection")
        == claim_id
    )
    await expect(page.locator("#inspection-reasons")).to_contain_text("Montant au-dessus du plafond")
    await expect(page.locator("#decision-outcome")).to_have_text("Éligible")
    await expect(page.locator("main")).to_contain_text("Détail par année")
    await check_page(page, "agent-claim-inspection")

    # every document opens inside the page (PDF in Chromium's viewer, images as images) and in a tab of its own
    cards = page.locator(".document-card")
    assert await cards.count() >= 2
    kinds = set()
    for index in range(await cards.count()):
        card = page.locator(".document-card").nth(index)
        href = await card.get_by_role("link", name=re.compile("Ouvrir dans un nouvel onglet")).get_attribute("href")
        served = await page.request.get(f"{portal.url}{href}")
        headers = served.headers
        assert served.status == 200 and headers["content-type"] in ("application/pdf", "image/png"), headers
        assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
        assert headers["content-security-policy"].startswith("sandbox;"), headers
        await card.get_by_role("link", name=re.compile("Afficher dans la page")).click()
        viewer = page.locator("#viewer")
        await expect(viewer).to_be_visible()
        if headers["content-type"] == "application/pdf":
            kinds.add("pdf")
            await expect(viewer.locator("iframe#document-frame")).to_be_visible()
            await pdf_viewer_shown(page)
        else:
            kinds.add("image")
            image = viewer.locator("img#document-image")
            await expect(image).to_be_visible()
            assert await image.evaluate("img => img.complete && img.naturalWidth") > 0
        await screenshot(page, f"agent-document-{headers['content-type'].split('/')[1]}-fr-desktop")
        await check_page(page, f"agent-claim-document-{index}")
    assert kinds == {"pdf", "image"}
    async with page.context.expect_page() as opened:
        await (
            page.locator(".document-card")
            .first.get_by_role("link", name=re.compile("Ouvrir dans un nouvel onglet"))
            .click()
        )
    tab = await opened.value
    await tab.wait_for_load_state()
    await pdf_viewer_shown(tab)
    await screenshot(tab, "agent-document-new-tab-fr-desktop")
    await tab.close()

    await page.locator("label[for=inspection-passed]").click()
    await page.get_by_role("button", name="Enregistrer le résultat du contrôle").click()
    await expect(page.locator("#flash")).to_contain_text("Le contrôle réussi est enregistré.")
    await check_page(page, "agent-claim-inspection-recorded")
    await wait_for_text(page, "#status", "Acceptée")
    await expect(page.locator("#timeline")).to_contain_text("Contrôle physique réussi")
    await expect(page.locator("#no-action")).to_be_visible()

    await page.get_by_role("link", name="Journal d'audit de ce dossier").click()
    audit = page.locator("#audit-table")
    await expect(audit).to_contain_text("Document ouvert")
    await expect(audit).to_contain_text("Résultat de contrôle enregistré")
    await expect(audit).to_contain_text(agent.username)
    await check_page(page, "agent-audit")

    await claimant.goto(f"/claims/{claim_id}")
    await wait_for_text(claimant, "#timeline", "Demande acceptée")
    await reload_until(claimant, lambda: _sms_after_acceptance(claimant), "the acceptance SMS")
    await expect(claimant.locator("#status")).to_have_text("Acceptée")
    assert [m for m in smsc_messages() if reference in m.text and "accept" in m.text.lower()]
    await check_page(claimant, "claim-accepted-after-inspection")


async def pdf_viewer_shown(page: Page, timeout_s: float = 20) -> None:
    """Chromium's PDF viewer (an extension's frame) opened the document, despite its sandbox."""
    for _ in range(int(timeout_s * 4)):
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            await page.wait_for_timeout(1500)  # the viewer draws the page
            return
        await page.wait_for_timeout(250)
    raise AssertionError(f"no PDF viewer on {page.url}: {[frame.url for frame in page.frames]}")


async def _sms_after_acceptance(page: Page) -> bool:
    entries = [text.strip() for text in await page.locator("#timeline li").all_inner_texts()]
    accepted = next((i for i, text in enumerate(entries) if "Demande acceptée" in text), None)
    return accepted is not None and any("SMS reçu sur votre téléphone" in text for text in entries[accepted:])


async def test_four_eyes_in_arabic_one_agent_accepts_another_approves_never_the_same(
    portal, new_page, enrol_account, enrol_agent
):
    insured = await enrol_account(LATE_RICH_CAREER)
    api = claims_api(portal, insured.username)
    created = file_late_claim(
        api, insured.username, applicant_name="فاطمة الزهراء العمراني", language="ar", agency="RABAT-AGDAL"
    )
    await status_becomes(api, created["claim_id"], "manual_review")
    first, second = await enrol_agent("CASA-ANFA"), await enrol_agent("RABAT-AGDAL")

    page = await new_page(base_url=portal.url, locale="ar-MA")
    await page.goto("/agent")
    await sign_in(page, first.username, first.password)
    await expect(page.locator("h1")).to_have_text("فضاء الأعوان")
    await check_page(page, "agent-home")
    claim_id = await open_from_queue(page, "ملفات في انتظار الدراسة", created["reference"], "agent-queue-review")
    await expect(page.locator("#inspection-reasons")).to_contain_text("طلب متأخر بسبب حالة قوة قاهرة")
    await expect(page.locator("#decision-amount")).to_contain_text("درهم")
    await check_page(page, "agent-claim-review")
    await page.get_by_role("button", name="قبول الطلب").click()
    await expect(page.locator("#flash")).to_contain_text("سُجل قبولك.")
    await expect(page.locator("#flash")).to_contain_text("يتجاوز المبلغ السقف")
    await reload_until(page, lambda: page.locator("#awaiting-colleague").is_visible(), "awaiting a colleague")
    await expect(page.get_by_role("button", name="المصادقة على القبول")).to_have_count(0)
    await check_page(page, "agent-claim-awaiting-colleague")

    # the approval forced by posting it all the same: the claims API refuses it, the page says why in Arabic
    await post_from_the_page(page, f"/agent/claims/{claim_id}/approval", {"csrf_token": await csrf_token(page)})
    await expect(page.locator("#action-refusal")).to_have_text(
        "لا يمكنك المصادقة على قبول اتخذته بنفسك: يجب أن يقوم بذلك عون آخر."
    )
    await check_page(page, "agent-claim-own-approval-refused")

    colleague = await new_page(base_url=portal.url, locale="ar-MA", device="phone")
    await colleague.goto("/agent/queues/approval")
    await sign_in(colleague, second.username, second.password)
    await reload_until(
        colleague,
        lambda: colleague.get_by_role("link", name=created["reference"]).is_visible(),
        "the claim in the approval queue",
    )
    await check_page(colleague, "agent-queue-approval")
    await colleague.goto("/agent/queues/inspection?agency=all")
    await expect(colleague.locator("#agency")).to_have_value("all")
    await check_page(colleague, "agent-queue-inspection")
    await colleague.goto("/agent/queues/approval")
    await colleague.get_by_role("link", name=created["reference"]).click()
    await expect(colleague.locator("#review")).to_contain_text(first.username)
    await check_page(colleague, "agent-claim-approval")
    await colleague.get_by_role("button", name="المصادقة على القبول").click()
    await expect(colleague.locator("#flash")).to_contain_text("سُجلت مصادقتك.")
    # force majeure is always inspected: once approved, the claim waits for its inspection
    await wait_for_text(colleague, "#status", "في انتظار المراقبة الحضورية")
    await expect(colleague.locator("#review")).to_contain_text(second.username)
    await check_page(colleague, "agent-claim-approved")
    await colleague.get_by_role("link", name="سجل التدقيق الخاص بهذا الملف").click()
    await expect(colleague.locator("#audit-table")).to_contain_text("المصادقة على القبول")
    await expect(colleague.locator("#audit-table")).to_contain_text(first.username)
    await check_page(colleague, "agent-audit")


async def test_an_agent_refuses_a_claim_by_keyboard_without_javascript_and_the_claimant_is_told(
    portal, new_page, enrol_account, enrol_agent
):
    insured = await enrol_account(LATE_CAREER)
    api = claims_api(portal, insured.username)
    created = file_late_claim(api, insured.username)
    await status_becomes(api, created["claim_id"], "manual_review")
    agent = await enrol_agent("FES-SAISS")

    page = await new_page(base_url=portal.url, javascript=False)
    await page.goto("/agent/queues/manual_review")
    await sign_in(page, agent.username, agent.password)
    await reload_until(
        page,
        lambda: page.get_by_role("link", name=created["reference"]).is_visible(),
        "the claim in the manual review queue",
    )
    await page.get_by_role("link", name=created["reference"]).click()
    await expect(page.locator("#decision-reasons")).to_contain_text("force majeure")

    await tab_to(page, "Refuser la demande", limit=200)  # sent with nothing chosen: what to correct, named
    await page.keyboard.press("Enter")
    await expect(page.locator("#error-summary")).to_contain_text("Cochez au moins un motif de refus.")
    await expect(page.locator("#error-summary")).to_contain_text("Écrivez une justification")
    await check_page(page, "agent-claim-refusal-errors")
    await tab_to(page, "refuse-reasons", limit=200)
    await page.keyboard.press("Space")
    await tab_to(page, "refuse-justification")
    await page.keyboard.type("Le certificat d'hospitalisation ne couvre pas la période du retard.")
    await tab_to(page, "Refuser la demande")
    await page.keyboard.press("Enter")
    await expect(page.locator("#flash")).to_contain_text("Votre refus est enregistré")
    await wait_for_text(page, "#status", "Refusée")
    await expect(page.locator("#review")).to_contain_text(FORCE_MAJEURE_REFUSED)
    await check_page(page, "agent-claim-refused")

    claimant = await new_page(base_url=portal.url)
    await claimant.goto(f"/claims/{created['claim_id']}")
    await sign_in(claimant, insured.username, insured.password)
    await expect(claimant.locator("#status")).to_have_text("Refusée")
    await wait_for_text(claimant, "#timeline", "SMS reçu sur votre téléphone")
    await expect(claimant.locator("#timeline")).to_contain_text("Demande refusée")
    await expect(claimant.locator("#refusal-reasons")).to_have_text(FORCE_MAJEURE_REFUSED)
    await expect(claimant.locator("#inspection-notice")).to_have_count(0)  # refused: no inspection to go to
    await check_page(claimant, "claim-refused-by-an-agent")


async def test_a_claimant_reaches_no_page_of_the_back_office(portal, new_page, new_insured):
    signed_out = await new_page(base_url=portal.url)
    await signed_out.goto("/agent/queues/inspection")
    await expect(signed_out.locator("#username")).to_be_visible()  # the identity provider's sign-in first

    page = await new_page(base_url=portal.url)
    await page.goto("/claims")
    await sign_in(page, new_insured.username, new_insured.password)
    await expect(page.get_by_role("link", name="Espace agents")).to_have_count(0)
    for path in (
        "/agent",
        "/agent/queues/inspection",
        "/agent/queues/approval?page=2",
        "/agent/claims/abc",
        "/agent/claims/abc/documents/def",
        "/agent/audit?agent_id=900000001",
        "/agent/nothing/here",
    ):
        response = await page.goto(path)
        assert response.status == 403, path
        await expect(page.locator("h1")).to_have_text("Page réservée aux agents de la CNSS")
    await check_page(page, "agents-only")
    await page.goto("/")
    token = await csrf_token(page)
    for action in ("inspection", "review", "approval"):
        posted = await page.request.post(
            f"{portal.url}/agent/claims/abc/{action}", form={"csrf_token": token, "passed": "yes", "outcome": "accept"}
        )
        assert posted.status == 403, action

    arabic = await new_page(base_url=portal.url, locale="ar-MA", device="phone")
    await arabic.goto("/agent")
    await sign_in(arabic, new_insured.username, new_insured.password)
    await expect(arabic.locator("h1")).to_have_text("صفحة مخصصة لأعوان الصندوق")
    await check_page(arabic, "agents-only")
