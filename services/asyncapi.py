"""Write the AsyncAPI document of all five services, generated from their FastStream brokers.

`python -m services.asyncapi` rewrites `contracts/asyncapi.json`; a test fails when the committed one is stale.
"""

import json
import sys
from pathlib import Path

from faststream.specification import AsyncAPI

from services.claims.app import create_app as claims_app
from services.claims.config import ClaimsSettings
from services.documents.app import create_app as documents_app
from services.documents.config import DocumentsSettings
from services.eligibility.app import create_app as eligibility_app
from services.eligibility.config import EligibilitySettings
from services.notifications.app import create_app as notifications_app
from services.notifications.config import NotificationsSettings
from services.receipts.app import create_app as receipts_app
from services.receipts.config import ReceiptsSettings

DOCUMENT = Path(__file__).resolve().parent.parent / "contracts" / "asyncapi.json"


def generate() -> str:
    # The document names the broker, whatever this shell's is; it describes the events, so no secret is needed.
    servers = {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "TAAWIDATY_LOCAL_MODE": True}
    apps = [
        claims_app(ClaimsSettings(**servers)),
        documents_app(DocumentsSettings(**servers)),
        eligibility_app(EligibilitySettings(**servers)),
        receipts_app(ReceiptsSettings(**servers)),
        notifications_app(NotificationsSettings(**servers)),
    ]
    specification = AsyncAPI(
        *(app.state.broker for app in apps),
        title="TAAWIDATY events",
        version="1.0.0",
        description="Events of the CNSS refund-of-salary-contributions claims platform; every topic is keyed by "
        "claim id and has a `<topic>.dlq` dead-letter companion.",
    ).to_specification()
    return json.dumps(specification.to_jsonable(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(generate())
    print(f"wrote {DOCUMENT}", file=sys.stderr)
