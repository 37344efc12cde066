"""Fix for aiokafka (0.14 and before): it ignores the top-level error code of OffsetFetch responses (v2 and later).

Kafka answers a group-level error (coordinator loading, moved or not available, as after a broker pause) with that
code and no partitions. aiokafka read the empty answer as "no committed offset", and each consumer of the group
restarted from `auto_offset_reset` (earliest): the whole topic handled again. Kafka's Java client (KAFKA-17279) and
Sarama retry such answers; this does the same by raising the error, which aiokafka's callers retry on.
"""

import logging
from typing import Any

from aiokafka import errors
from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.protocol.commit import OffsetFetchRequest

log = logging.getLogger(__name__)

_COORDINATOR_LOST = (errors.GroupCoordinatorNotAvailableError, errors.NotCoordinatorForGroupError)


def raise_group_error(coordinator: GroupCoordinator, response: Any) -> None:
    error = errors.for_code(getattr(response, "error_code", 0))
    if error is errors.NoError:
        return
    log.warning("committed offsets not read (%s), retrying", error.__name__, extra={"group": coordinator.group_id})
    if error in _COORDINATOR_LOST:
        coordinator.coordinator_dead()
    if error.retriable:
        raise error()
    raise errors.KafkaError(f"fetching committed offsets: {error.__name__}")


def check_offset_fetch_errors() -> None:
    """Make every consumer of this process check the group-level error of its committed offsets answers."""
    if getattr(GroupCoordinator._send_req, "checks_offset_fetch_errors", False):
        return
    send = GroupCoordinator._send_req

    async def send_and_check(self: GroupCoordinator, request: Any) -> Any:
        response = await send(self, request)
        if isinstance(request, OffsetFetchRequest):
            raise_group_error(self, response)
        return response

    send_and_check.checks_offset_fetch_errors = True  # type: ignore[attr-defined]
    GroupCoordinator._send_req = send_and_check  # type: ignore[method-assign]
