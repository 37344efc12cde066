"""Driving a claim through the claims API and waiting for its timeline."""

import asyncio
import time

import httpx

from tests.e2e.samples import INSURED_FORM, pdf_scan, png_scan


def submit_sample_claim(api: httpx.Client, form: dict = INSURED_FORM) -> dict:
    created = api.post("/claims", json=form).raise_for_status().json()
    claim_id = created["claim_id"]
    api.put(f"/claims/{claim_id}/documents/identity_card",
            files={"file": ("cni.pdf", pdf_scan(pages=2), "application/pdf")}).raise_for_status()
    api.put(f"/claims/{claim_id}/documents/bank_details",
            files={"file": ("../../rib.png", png_scan(), "image/png")}).raise_for_status()
    assert api.post(f"/claims/{claim_id}/submit").status_code == 202
    return created


async def wait_for_status(api: httpx.Client, claim_id: str, status: str, timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        claim = api.get(f"/claims/{claim_id}").raise_for_status().json()
        if any(entry["status"] == status for entry in claim["timeline"]):
            return claim
        await asyncio.sleep(0.5)
    raise AssertionError(f"{status} not reached in {timeout_s}s; timeline: {claim['timeline']}")
