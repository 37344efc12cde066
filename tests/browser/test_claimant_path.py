"""The whole path as a new claimant takes it, in a real browser on the real stack: sign in on the identity
provider's page, check eligibility, create the claim, send the documents (a disguised file refused at once),
check the answers, validate, download the receipt, follow the claim until the SMS."""

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.browsing import Account, sign_in
from tests.browser.portal_pages import (
    DISGUISED_EXE,
    PDF,
    PNG,
    check_page,
    fill_insured_form,
    pdf_text,
    upload,
    wait_for_text,
)
from tests.e2e.flow import phone_of

pytestmark = pytest.mark.browser


async def file_a_claim(page: Page, account: Account, arabic: bool = False) -> str:
    """From the home page to the confirmation page; the claim's reference."""
    words = ARABIC if arabic else FRENCH
    await page.goto("/")
    await check_page(page, "home")
    await page.get_by_role("link", name=words["eligibility"]).first.click()
    await expect(page.locator("html")).to_have_attribute("lang", "ar" if arabic else "fr")  # Keycloak's page too
    await sign_in(page, account.username, account.password)
    await expect(page.locator("h1")).to_have_text(words["eligibility"])
    await expect(page.locator("#result-title")).to_contain_text(words["eligible"])
    assert await page.locator(".conditions li").count() >= 6
    await expect(page.locator("table caption")).to_be_visible()  # the per-year breakdown
    await check_page(page, "eligibility")

    await page.locator("#ceased_activity_on").fill("31/12/2030")  # "what if" I stopped later
    await page.get_by_role("button", name=words["recompute"]).click()
    await expect(page.locator("#result-title")).not_to_contain_text(words["eligible_exact"])

    await page.goto("/claims/new")
    await check_page(page, "claim-start")
    await page.locator("label[for=type-insured]").click()
    await page.get_by_role("button", name=words["continue"]).click()
    await page.locator("#phone").fill("12345")
    await page.get_by_role("button", name=words["save"]).last.click()
    await expect(page.locator("#error-summary")).to_be_visible()  # a wrong phone, named next to its field
    await expect(page.locator("#phone-error")).to_be_visible()
    await check_page(page, "claim-form-errors")
    await fill_insured_form(
        page,
        phone_of(account.username).replace("+212", "0"),
        "فاطمة الزهراء العمراني" if arabic else "Fatima Zahra El Amrani",
    )
    await check_page(page, "claim-form")
    await page.get_by_role("button", name=words["save"]).last.click()

    await expect(page.locator("h1")).to_have_text(words["documents"])
    await upload(page, "identity_card", ("cni.pdf", "application/pdf", DISGUISED_EXE))
    refusal = page.locator("#doc-identity_card-refused")
    await expect(refusal).to_contain_text("cni.pdf")
    await expect(refusal).to_contain_text(words["not_allowed"])
    await check_page(page, "documents-refused-file")
    await upload(page, "identity_card", ("cni-recto.pdf", "application/pdf", PDF), ("cni-verso.png", "image/png", PNG))
    await upload(page, "bank_details", ("rib.png", "image/png", PNG))
    await expect(page.locator("#doc-identity_card .file-list li")).to_have_count(2)
    await check_page(page, "documents")
    await page.get_by_role("link", name=words["to_review"]).click()

    await expect(page.locator("h1")).to_have_text(words["review"])
    await check_page(page, "review")
    await page.get_by_role("button", name=words["validate"]).click()
    reference = (await page.locator("#claim-reference").inner_text()).strip()
    assert re.fullmatch(r"RCS-\d{8}-[0-9A-F]{8}", reference)
    return reference


FRENCH = {
    "eligibility": "Vérifier mon éligibilité",
    "eligible": "Éligible",
    "eligible_exact": "Résultat : Éligible",
    "recompute": "Recalculer",
    "continue": "Continuer",
    "save": "Enregistrer et continuer",
    "documents": "Vos documents",
    "not_allowed": "n'est pas un PDF",
    "to_review": "Continuer : vérifier vos réponses",
    "review": "Vérifiez vos réponses avant de valider",
    "validate": "Valider",
    "download": "Télécharger l'accusé de dépôt",
    "sms": "SMS reçu sur votre téléphone",
    "my_claims": "Mes demandes",
    "sign_out": "Se déconnecter",
    "sign_in": "Se connecter",
}
ARABIC = {
    "eligibility": "التحقق من أهليتي",
    "eligible": "مؤهل",
    "eligible_exact": "النتيجة : مؤهل",
    "recompute": "إعادة الحساب",
    "continue": "متابعة",
    "save": "حفظ ومتابعة",
    "documents": "وثائقك",
    "not_allowed": "ليس PDF",
    "to_review": "متابعة: التحقق من أجوبتك",
    "review": "تحقق من أجوبتك قبل التأكيد",
    "validate": "تأكيد",
    "download": "تحميل وصل الإيداع",
    "sms": "وصلت الرسالة النصية إلى هاتفك",
    "my_claims": "طلباتي",
    "sign_out": "تسجيل الخروج",
    "sign_in": "تسجيل الدخول",
}


async def follow_to_the_sms(page: Page, reference: str, arabic: bool, tmp_path) -> None:
    words = ARABIC if arabic else FRENCH
    download_link = page.get_by_role("link", name=words["download"])
    await expect(download_link).to_be_visible(timeout=120_000)  # the page refreshes itself until the receipt exists
    await check_page(page, "confirmation")
    async with page.expect_download() as download:
        await download_link.click()
    receipt = tmp_path / "receipt.pdf"
    await (await download.value).save_as(receipt)
    text = pdf_text(receipt)
    assert reference in text and "Remboursement des cotisations salariales" in text

    code = (await page.locator("#claim-status .hint bdi").inner_text()).strip()
    await page.goto(f"/verification?code={code}")
    await expect(page.locator(".panel-confirmation")).to_contain_text(reference)
    await check_page(page, "verification")

    await page.get_by_role("link", name=words["my_claims"], exact=True).click()
    await check_page(page, "my-claims")
    await page.get_by_role("link", name=re.compile(reference)).click()
    await wait_for_text(page, "#timeline", words["sms"])
    await check_page(page, "claim")
    await page.get_by_role("button", name=words["sign_out"]).click()
    await expect(page.get_by_role("link", name=words["sign_in"])).to_be_visible()


async def test_a_new_insured_files_a_claim_from_sign_in_to_the_sms(portal, new_page, new_insured, tmp_path):
    page = await new_page(base_url=portal.url)
    reference = await file_a_claim(page, new_insured)
    await follow_to_the_sms(page, reference, False, tmp_path)
    portal_log = (portal.stack.logs / "portal-0.log").read_text()
    for personal in (new_insured.username, phone_of(new_insured.username)[4:]):
        assert personal not in portal_log


async def test_the_same_path_in_arabic_on_a_phone(portal, new_page, new_insured, tmp_path):
    page = await new_page(base_url=portal.url, device="phone", locale="ar-MA")
    reference = await file_a_claim(page, new_insured, arabic=True)
    await follow_to_the_sms(page, reference, True, tmp_path)
