"""Send the SMS an event calls for, once, and follow its delivery reports."""

from fastapi import APIRouter, Query, Response
from faststream.kafka import KafkaBroker

from contracts import ClaimAccepted, ClaimRefused, DocumentsIncomplete, ReceiptIssued, Topic
from services.notifications.domain import status_of_report
from services.notifications.use_cases import SmsSender
from services.runtime.kafka import subscriber
from services.runtime.problems import ProblemRoute


def register(broker: KafkaBroker, sender: SmsSender, partition_workers: int = 1) -> APIRouter:
    @subscriber(broker, Topic.RECEIPT_ISSUED, group_id="notifications-receipts", partition_workers=partition_workers)
    async def on_receipt_issued(event: ReceiptIssued) -> None:
        await sender.send_for(event)

    @subscriber(broker, Topic.DOCUMENTS_INCOMPLETE, group_id="notifications-incomplete")
    async def on_documents_incomplete(event: DocumentsIncomplete) -> None:
        await sender.send_for(event)

    @subscriber(broker, Topic.CLAIM_ACCEPTED, group_id="notifications-acceptances", partition_workers=partition_workers)
    async def on_claim_accepted(event: ClaimAccepted) -> None:
        await sender.send_for(event)

    @subscriber(broker, Topic.CLAIM_REFUSED, group_id="notifications-refusals")
    async def on_claim_refused(event: ClaimRefused) -> None:
        await sender.send_for(event)

    router = APIRouter(tags=["delivery reports"], route_class=ProblemRoute)

    @router.get("/delivery-reports")
    async def on_delivery_report(
        response: Response, id: str = Query(max_length=200), type: int = Query()
    ) -> dict[str, str]:
        """Kannel's dlr-url. The connection is closed after each report: Kannel would otherwise reuse a
        kept-alive connection the server may have closed meanwhile, and that report would be lost."""
        response.headers["Connection"] = "close"
        if (status := status_of_report(type)) is not None:
            await sender.record_report(id, status, f"delivery report type {type}")
        return {"status": "recorded"}

    return router
