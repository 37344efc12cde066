"""Push one sample claim through the running system and show where it ended: receipt PDF and SMS sent.

Run by run.sh once the services are up; talks only to the claims HTTP API, MinIO and the fake SMSC's log.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
from minio import Minio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.e2e.flow import client_for, submit_claim  # noqa: E402
from tests.e2e.samples import INSURED_FORM, smsc_messages  # noqa: E402

API = os.environ.get("TAAWIDATY_CLAIMS_URL", "http://127.0.0.1:18080")
FINAL_STATUSES = {"sms_delivered", "sms_failed"}
# Not the portal's local account (123456789): whoever signs in there starts with no claim.
SAMPLE_FORM = {**INSURED_FORM, "registration_number": "456789123", "phone": "0612345699"}


def wait_for_sms(client: httpx.Client, claim_id: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        claim = client.get(f"/claims/{claim_id}").raise_for_status().json()
        statuses = {entry["status"] for entry in claim["timeline"]}
        if statuses & FINAL_STATUSES and "receipt_issued" in statuses:
            return claim
        time.sleep(0.5)
    raise SystemExit(f"the sample claim did not reach its SMS within {timeout_s:.0f}s: {claim['timeline']}")


def main() -> int:
    with client_for(API, SAMPLE_FORM["registration_number"]) as client:
        created = submit_claim(client, SAMPLE_FORM)
        claim_id = created["claim_id"]
        print(
            f"claim {claim_id} submitted by insured ******{SAMPLE_FORM['registration_number'][-3:]}, "
            f"reference {created['reference']}"
        )
        claim = wait_for_sms(client, claim_id)
    for entry in claim["timeline"]:
        print(f"  {entry['at']}  {entry['status']:<24} {str(entry['detail'])[:150]}")
    receipt = next(e for e in claim["timeline"] if e["status"] == "receipt_issued")["detail"]
    minio = Minio(
        os.environ["MINIO_ENDPOINT"],
        os.environ["MINIO_ACCESS_KEY"],
        os.environ["MINIO_SECRET_KEY"],
        secure=os.environ.get("MINIO_SECURE", "false") == "true",
    )
    link = minio.presigned_get_object("receipts", receipt["object_key"], expires=timedelta(hours=1))
    print(f"receipt PDF: s3://receipts/{receipt['object_key']}\n  download (1 h): {link}")
    messages = smsc_messages()
    first = next(i for i, message in enumerate(messages) if claim["reference"] in message.text)
    parts = [m for m in messages[first : first + 4] if m.receiver == messages[first].receiver]
    print(f"SMS at the SMSC for +{parts[0].receiver} ({parts[0].coding}): {''.join(m.text for m in parts)}")
    print("sample claim reached: SMS sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
