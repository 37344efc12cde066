"""The other ways through the portal: without JavaScript, a survivors' claim with three beneficiaries, and a claim
returned for documents completed and sent again."""

import httpx
import pytest
from playwright.async_api import expect

from tests import identity
from tests.browser.browsing import sign_in
from tests.browser.portal_pages import (
    PDF,
    check_page,
    fill_insured_form,
    pdf_text,
    upload,
    upload_every_document,
    wait_for_text,
)
from tests.e2e.flow import enrol_insured, phone_of
from tests.e2e.test_claimant_types import DECEASED

pytestmark = pytest.mark.browser


async def test_the_whole_path_works_with_javascript_turned_off(portal, new_page, new_insured, tmp_path):
    page = await new_page(base_url=portal.url, device="phone", javascript=False)
    await page.goto("/claims/new")
    await sign_in(page, new_insured.username, new_insured.password)
    await check_page(page, "claim-start")
    await page.locator("#type-insured").check()
    await page.get_by_role("button", name="Continuer").click()
    await fill_insured_form(page, phone_of(new_insured.username).replace("+212", "0"))
    await check_page(page, "claim-form")
    await page.get_by_role("button", name="Enregistrer et continuer").last.click()
    await expect(page.locator("#file-identity_card")).to_be_visible()  # the browser's own input, labelled above
    await upload_every_document(page)
    await check_page(page, "documents")
    await page.get_by_role("link", name="Continuer : vérifier vos réponses").click()
    await check_page(page, "review")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.locator("#claim-reference")).to_be_visible()
    await check_page(page, "confirmation")
    await wait_for_text(page, "#claim-status", "Télécharger l'accusé de dépôt")  # reloads, as "Actualiser la page"
    async with page.expect_download() as download:
        await page.locator("#receipt-download").click()
    await (await download.value).save_as(tmp_path / "receipt.pdf")
    assert (await page.locator("#claim-reference").inner_text()).strip() in pdf_text(tmp_path / "receipt.pdf")
    await page.get_by_role("link", name="Mes demandes", exact=True).click()
    await check_page(page, "my-claims")


async def test_a_survivors_claim_with_three_beneficiaries(portal, new_page, new_insured, producer, mongo, run_id):
    deceased = await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], DECEASED)
    page = await new_page(base_url=portal.url, locale="ar-MA")
    await page.goto("/eligibility")
    await sign_in(page, new_insured.username, new_insured.password)
    await check_page(page, "eligibility")
    await page.goto("/claims/new?type=survivors")
    await page.locator("label[for=applicant_role]").click()  # the spouse
    await page.locator("#registration_number").fill(deceased)
    await page.locator("#applicant_name").fill("خديجة بنعلي")  # names typed in Arabic, up to the receipt
    await page.locator("#phone").fill("0612345678")
    for _ in range(4):  # one too many, removed below: added and removed without JavaScript, by the form itself
        await page.get_by_role("button", name="إضافة ذي حق").click()
    await page.get_by_role("button", name="حذف ذي الحق 4").click()
    await expect(page.locator("fieldset.beneficiary")).to_have_count(3)
    rows = [
        ("خديجة بنعلي", "spouse", "", ""),
        ("يوسف العلوي", "child", "04/03/2012", "one_parent"),
        ("سلمى العلوي", "child", "18/09/2007", "one_parent"),
    ]
    for index, (name, relation, born, orphan) in enumerate(rows):
        await page.locator(f"#beneficiaries-{index}-full_name").fill(name)
        await page.locator(f"#beneficiaries-{index}-relation").select_option(relation)
        await page.locator(f"#beneficiaries-{index}-birth_date").fill(born)
        await page.locator(f"#beneficiaries-{index}-orphan_of").select_option(orphan)
    await page.locator("#beneficiaries-2-in_school").check()
    await check_page(page, "claim-form-survivors")
    await page.get_by_role("button", name="حفظ ومتابعة").last.click()

    doc_types = await upload_every_document(page)
    assert {
        "survivors_request_form",
        "marriage_certificate",
        "heirship_deed",
        "birth_certificate",
        "school_certificate",
    } <= set(doc_types)
    await check_page(page, "documents-survivors")
    await page.get_by_role("link", name="متابعة: التحقق من أجوبتك").click()
    await expect(page.locator("dl.summary").first).to_contain_text("سلمى العلوي")
    await check_page(page, "review-survivors")
    await page.get_by_role("button", name="تأكيد").click()
    await expect(page.locator("#receipt-download")).to_be_visible(timeout=120_000)
    await check_page(page, "confirmation-survivors")


async def test_a_claim_returned_for_documents_is_completed_and_sent_again(portal, new_page, new_insured):
    token = identity.password_token(new_insured.username, new_insured.password)["access_token"]
    with httpx.Client(
        base_url=portal.stack.url("claims"), headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as api:  # a claim sent with its bank details missing, as an older portal would
        form = {
            "claimant_type": "insured",
            "registration_number": new_insured.username,
            "applicant_name": "Ahmed Tazi",
            "phone": phone_of(new_insured.username),
            "ceased_activity_on": "2025-12-31",
        }
        claim_id = api.post("/claims", json=form).raise_for_status().json()["claim_id"]
        api.put(f"/claims/{claim_id}/documents/identity_card", content=PDF).raise_for_status()
        api.post(f"/claims/{claim_id}/submit").raise_for_status()

    page = await new_page(base_url=portal.url)
    await page.goto("/claims")
    await sign_in(page, new_insured.username, new_insured.password)
    await wait_for_text(page, "main", "À compléter")
    await check_page(page, "my-claims-returned")
    await page.get_by_role("link", name="Compléter la demande").click()
    await expect(page.locator(".notice")).to_contain_text("renvoyée")
    await check_page(page, "documents-returned")
    await upload(page, "bank_details", ("rib.pdf", "application/pdf", PDF))
    await page.get_by_role("link", name="Continuer : vérifier vos réponses").click()
    await page.get_by_role("button", name="Valider").click()
    await wait_for_text(page, "#timeline", "Documents vérifiés")  # then accepted, or drawn for an inspection
    await expect(page.locator("#timeline")).to_contain_text("Documents manquants ou refusés")
    await expect(page.locator("#receipt-download")).to_be_visible(timeout=60_000)
    await check_page(page, "claim-sent-again")
