"""Issue the deposit receipt of each decided claim and publish that it is there."""

from faststream.kafka import KafkaBroker

from contracts import ClaimDecided, Topic
from services.receipts.use_cases import IssueReceipt
from services.runtime.kafka import subscriber
from services.runtime.once import PendingEvents


def register(
    broker: KafkaBroker, issue_receipt: IssueReceipt, relay: PendingEvents, partition_workers: int = 1
) -> None:
    @subscriber(broker, Topic.CLAIM_DECIDED, group_id="receipts", partition_workers=partition_workers)
    async def on_claim_decided(decided: ClaimDecided) -> None:
        await relay.publish_pending(await issue_receipt(decided))
