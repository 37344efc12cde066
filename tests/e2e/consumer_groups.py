"""The stack's consumer groups as Kafka sees them: their state, members and the partitions each holds. A test files
its first claim only once every group consumes, or that claim waits out a rebalance (GroupCoordinatorNotAvailable
right after the servers start) and a test's patience with it."""

import asyncio
import time
from collections.abc import Iterable

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.protocol.admin import DescribeGroupsRequest_v2
from aiokafka.protocol.api import Request

from contracts import Topic
from services.claims.handlers import TIMELINE_TOPICS
from services.receipts.config import ReceiptsSettings

# Every consumer group of the stack, with the topics it reads and the name its dead letters carry.
GROUPS: dict[str, tuple[str, tuple[Topic, ...]]] = {
    "claims": ("claims", (Topic.CLAIM_INTAKE,)),
    "claims-timeline": ("claims", TIMELINE_TOPICS),
    "documents": ("documents", (Topic.CLAIM_SUBMITTED,)),
    "eligibility": ("eligibility", (Topic.DOCUMENTS_VERIFIED,)),
    "eligibility-inspections": ("eligibility", (Topic.INSPECTION_COMPLETED,)),
    "eligibility-reviews": ("eligibility", (Topic.REVIEWS,)),
    "eligibility-registry": ("eligibility", (Topic.INSURED_RECORD_UPDATED,)),
    "eligibility-filings": ("eligibility", (Topic.CLAIM_SUBMITTED,)),
    "eligibility-drafts": ("eligibility", (Topic.CLAIM_DRAFTED,)),
    "eligibility-returns": ("eligibility", (Topic.DOCUMENTS_INCOMPLETE,)),
    "receipts": ("receipts", (Topic.CLAIM_DECIDED,)),
    "notifications-receipts": ("notifications", (Topic.RECEIPT_ISSUED,)),
    "notifications-incomplete": ("notifications", (Topic.DOCUMENTS_INCOMPLETE,)),
    "notifications-acceptances": ("notifications", (Topic.CLAIM_ACCEPTED,)),
    "notifications-refusals": ("notifications", (Topic.CLAIM_REFUSED,)),
    "notifications-invitations": ("notifications", (Topic.INVITATIONS,)),
}


def consumers_of(topic: Topic) -> set[str]:
    """The names (services) whose dead letters a bad message on `topic` must produce, one per group."""
    return {owner for owner, topics in GROUPS.values() if topic in topics}


class _DescribeGroups(Request[DescribeGroupsRequest_v2]):
    """DescribeGroups v2: aiokafka 0.14 pairs its v3 request with the v2 response schema, so against Kafka 4
    `AIOKafkaAdminClient.describe_consumer_groups` fails with "Buffer underrun decoding string"."""

    API_KEY = 15

    def __init__(self, groups: list[str]) -> None:
        self.groups = groups

    def build(self, request_struct_class: type[DescribeGroupsRequest_v2]) -> DescribeGroupsRequest_v2:
        return request_struct_class(self.groups)


Members = list[tuple[str, list[TopicPartition]]]


async def group_members(bootstrap: str, groups: Iterable[str]) -> dict[str, tuple[str, Members]]:
    """Per consumer group, its state and its members as (client id, assigned partitions)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        members: dict[str, tuple[str, Members]] = {}
        for group in groups:
            coordinator = await admin.find_coordinator(group)
            response = await admin._client.send(coordinator, _DescribeGroups([group]))
            for _error, name, state, _ptype, _protocol, group_members_ in response.groups:
                members[name] = (
                    state,
                    [
                        (
                            client_id,
                            ConsumerProtocolMemberAssignment.decode(assignment).partitions() if assignment else [],
                        )
                        for _member, client_id, _host, _metadata, assignment in group_members_
                    ],
                )
        return members
    finally:
        await admin.close()


def consumers_per_instance(group: str) -> int:
    """Members one instance of a service puts in `group`: the receipts service two per render-pool worker (within
    the partitions), every other subscriber one (the other stages on a claim's path read in batches)."""
    if group == "receipts":
        return ReceiptsSettings().decided_claim_consumers()
    return 1


async def wait_for_members(
    bootstrap: str,
    groups: Iterable[str] = GROUPS,
    instances: int | None = None,
    timeout_s: float = 60,
    partitions: int = 3,
) -> dict[str, Members]:
    """The groups once each is stable with the members of `instances` instances of its service (any number if None),
    together holding all its partitions, each member some while there are partitions enough."""
    groups = list(groups)
    deadline = time.monotonic() + timeout_s

    def settled(group: str, state: str, members: Members) -> bool:
        held = [p for _, parts in members for p in parts]
        expected = instances * consumers_per_instance(group) if instances else len(members)
        group_partitions = partitions * len(GROUPS[group][1])
        return (
            state == "Stable"
            and len(members) == expected
            and sum(1 for _, parts in members if parts) == min(len(members), group_partitions)
            and len(held) == len(set(held)) == group_partitions
        )

    while True:
        described = await group_members(bootstrap, groups)
        if all(g in described and settled(g, *described[g]) for g in groups):
            return {g: described[g][1] for g in groups}
        if time.monotonic() > deadline:
            raise AssertionError(
                f"groups not at the members of {instances or 'their'} instances sharing all partitions after "
                f"{timeout_s}s: "
                f"{ {g: (s, [(c, len(p)) for c, p in m]) for g, (s, m) in described.items()} }"
            )
        await asyncio.sleep(1)
