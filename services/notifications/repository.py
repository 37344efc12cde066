"""Notification records, keyed by the triggering event and kind and written BEFORE the SMS goes out, so a
redelivered event, a restart or a second instance never sends it twice."""

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Topic
from contracts.notifications import NotificationStatus
from services.notifications.domain import Move, Sms, status_event
from services.runtime.mongo import insert_new
from services.runtime.outbox import (
    AnnounceWritten,
    Entries,
    nobody_told,
    outbox_entries,
    update_adding,
    update_with_outbox,
)

# A delivery report may move a notification only forward along this order; "failed" is final.
_EARLIER: dict[str, tuple[str, ...]] = {
    "queued": ("sending",),
    "sent": ("sending", "queued"),
    "delivered": ("sending", "queued", "sent"),
    "failed": ("sending", "queued", "sent", "retry"),
}
UNSETTLED = ("sending", "retry")  # the gateway has not taken it yet
KNOWN_RECORDS = 10_000  # the records `advance` starts from without reading them, at most


class NotificationsRepository:
    """The `SmsRecords` port."""

    def __init__(
        self,
        collection: AsyncCollection,
        announce: AnnounceWritten = nobody_told,
        announce_added: AnnounceWritten = nobody_told,
    ) -> None:
        """`announce` is told what a record's outbox holds after a write (`OutboxRelay.written`); `announce_added`
        what a write that nobody else's came before added to it (`OutboxRelay.added`)."""
        self.collection, self.announce, self.announce_added = collection, announce, announce_added
        # The ids of those not known to be settled (being sent, or to retry): the sweep of unsent SMS reads this
        # short list and each record by `_id`, not every SMS ever sent (a scan on FerretDB).
        self.unsettled = collection.database[f"{collection.name}_unsettled"]
        # Each SMS this process last wrote, as it wrote it: a delivery report's compare-and-set starts from it rather
        # than from a read of the record (the SMS's reports cost one command each, not two). Stale (another instance
        # moved the record since), it costs the read when the set misses.
        self._written: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # The SMS whose status this process is moving, and how many moves wait: the gateway's answer and its
        # reports come at once, and each move starts from what the one before it wrote.
        self._moving: dict[str, tuple[asyncio.Lock, int]] = {}

    async def claim_for_sending(self, sms: Sms) -> bool:
        return bool(await self.claim_all_for_sending([sms]))

    async def claim_all_for_sending(self, messages: Sequence[Sms]) -> list[Sms]:
        """Those this caller may send: new notifications (recorded together, in one write), and those whose last
        try failed transiently. One left in "sending" (a crash mid-send, another instance sending it) is not: see
        `reclaim_unsent`."""
        now = datetime.now(UTC)
        await insert_new(self.unsettled, [{"_id": sms.notification_id, "since": now} for sms in messages])
        recorded = [_record(sms, "sending") | {"attempts": 1, "created_at": now, "updated_at": now} for sms in messages]
        known = await insert_new(self.collection, recorded)
        sendable = [sms for index, sms in enumerate(messages) if index not in known]
        for index in sorted(known):
            retried = await self.collection.find_one_and_update(
                {"_id": messages[index].notification_id, "status": "retry"},
                {"$set": {"status": "sending", "updated_at": now}, "$inc": {"attempts": 1}},
            )
            if retried is not None:
                sendable.append(messages[index])
        for sms in sendable:
            self._remember(_record(sms, "sending"))
        return sendable

    async def reclaim_unsent(self, older_than: datetime) -> list[Sms]:
        """Claim for sending those not touched since `older_than` that the gateway never took: in "retry", or left
        in "sending" by a crash, the latter only once (a gateway that took it but whose reports never came back
        would otherwise send it again and again)."""
        reclaimed: list[Sms] = []
        async for entry in self.unsettled.find({}):
            if len(reclaimed) == 100:
                break
            record = await self.collection.find_one({"_id": entry["_id"]}, {"outbox": 0})
            if record is None or record["status"] not in UNSETTLED:
                await self.unsettled.delete_one({"_id": entry["_id"]})  # settled, or never written
                continue
            untouched = {"updated_at": {"$lt": older_than}}
            if record["status"] == "sending":  # left by a crash: sent again once only
                untouched["reclaimed_at"] = {"$exists": False}
            now = datetime.now(UTC)
            result = await self.collection.update_one(
                {"_id": record["_id"], "status": record["status"], "attempts": record["attempts"], **untouched},
                {"$set": {"status": "sending", "updated_at": now, "reclaimed_at": now}, "$inc": {"attempts": 1}},
            )
            if result.modified_count == 1:
                reclaimed.append(_sms(record))
                self._remember(_record(_sms(record), "sending"))
        return reclaimed

    async def mark_retry(self, notification_id: str, reason: str) -> None:
        self._written.pop(notification_id, None)
        await self.collection.update_one(
            {"_id": notification_id, "status": "sending"},
            {"$set": {"status": "retry", "last_error": reason, "updated_at": datetime.now(UTC)}},
        )

    async def advance(self, notification_id: str, status: NotificationStatus, detail: str = "") -> bool:
        """Move to `status` if that is forward, queuing the status event; False if unknown or not forward.
        Delivery reports race each other and the sender, hence the compare-and-set on the current status, from the
        record as this process last wrote it if it did (a read otherwise, and whenever that set misses). Within this
        process, the moves of one SMS are made one after the other."""
        async with self._moving_alone(notification_id):
            known = self._written.get(notification_id)
            if _already_past(known, status):
                return False
            return await self._advance(notification_id, status, detail, known)

    async def advance_all(self, moves: Sequence[Move]) -> set[str]:
        """`advance` of several SMS, each to its own status: those this process last wrote (the gateway's answers to
        what it has just claimed, the reports of what it sent) in one write, unless another instance moved one since;
        the others one by one. The SMS it left as they were because this process took them further already (a report
        overtook the answer): their events were announced then."""
        async with AsyncExitStack() as moving:
            for notification_id in sorted({move.notification_id for move in moves}):
                await moving.enter_async_context(self._moving_alone(notification_id))
            known = {move.notification_id: self._written.get(move.notification_id) for move in moves}
            left = {move.notification_id for move in moves if _already_past(known[move.notification_id], move.status)}
            moves = [move for move in moves if move.notification_id not in left]
            together = [move for move in moves if known[move.notification_id]]
            records = [known[move.notification_id] for move in together]
            if together and await self._advance_together(together, records):
                moves = [move for move in moves if not known[move.notification_id]]
        for move in moves:  # each from the record as it stands (a set that misses reads it)
            await self.advance(move.notification_id, move.status, move.detail)
        return left

    async def _advance_together(self, moves: Sequence[Move], known: list[dict[str, Any]]) -> bool:
        """Each move made on the record as this process wrote it; False if any was not (another instance moved it:
        those made stand, their events unannounced). Past the gateway, a status changes only forward, so a record
        still at the status this process wrote was written by nobody else since. Before it (an SMS being sent again
        can go back to "sending"), its outbox must also be empty."""
        updates, entries = [], []
        for record, move in zip(known, moves, strict=True):
            update, added = _moved(record, move.status, move.detail)
            query = {"_id": record["_id"], "status": record["status"]}
            if record["status"] in UNSETTLED:
                query["outbox_pending.0"] = {"$exists": False}
            updates.append(UpdateOne(query, update))
            entries.append(added)
        if (await self.collection.bulk_write(updates, ordered=False)).matched_count < len(updates):
            return False
        for record, move, added in zip(known, moves, entries, strict=True):
            self._remember(_record(_sms(record), move.status))
            announce = self.announce if record["status"] in UNSETTLED else self.announce_added
            announce(record["_id"], added)
        if unsettled := [record["_id"] for record in known if record["status"] in UNSETTLED]:
            await self.unsettled.delete_many({"_id": {"$in": unsettled}})
        return True

    async def _advance(
        self, notification_id: str, status: NotificationStatus, detail: str, known: dict[str, Any] | None
    ) -> bool:
        for _ in range(10):
            record = known or await self.collection.find_one({"_id": notification_id}, {"outbox": 0})
            known = None
            if record is None or record["status"] not in _EARLIER[status]:
                return False
            update, _ = _moved(record, status, detail)
            query = {"_id": notification_id, "status": record["status"]}
            if await update_with_outbox(self.collection, query, update, self.announce):
                self._remember(_record(_sms(record), status))
                if record["status"] in UNSETTLED:  # the gateway took it, or gave up for good
                    await self.unsettled.delete_one({"_id": notification_id})
                return True
        return False

    @asynccontextmanager
    async def _moving_alone(self, notification_id: str) -> AsyncIterator[None]:
        lock, users = self._moving.get(notification_id) or (asyncio.Lock(), 0)
        self._moving[notification_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._moving[notification_id]
            if users == 1:
                del self._moving[notification_id]
            else:
                self._moving[notification_id] = (lock, users - 1)

    def _remember(self, record: dict[str, Any]) -> None:
        notification_id = record["_id"]
        self._written.pop(notification_id, None)
        self._written[notification_id] = record
        if len(self._written) > KNOWN_RECORDS:
            self._written.popitem(last=False)


def _already_past(written: dict[str, Any] | None, status: NotificationStatus) -> bool:
    """Whether the record, as this process last wrote it, is past `status` already. Past the gateway a status only
    moves forward, whoever moves it: the record is at least as far on, and need not be read."""
    return written is not None and written["status"] not in _EARLIER[status]


def _moved(record: dict[str, Any], status: NotificationStatus, detail: str) -> tuple[dict[str, Any], Entries]:
    """The update that moves the record to `status`, and the outbox entries it adds: the claim's timeline hears of
    the change; an invitation has no claim to tell."""
    event = status_event(_sms(record), status, detail) if record["claim_id"] is not None else None
    entries = outbox_entries((Topic.NOTIFICATION_STATUS, event)) if event else {}
    now = event.occurred_at if event else datetime.now(UTC)
    update = update_adding(entries) if entries else {"$set": {}}
    update["$set"] |= {"status": status, "updated_at": now, f"history.{status}": now}
    return update, entries


def _record(sms: Sms, status: str) -> dict[str, Any]:
    """The fields of an SMS record that say what the SMS is, and its status."""
    return {
        "_id": sms.notification_id,
        "claim_id": sms.claim_id,
        "correlation_id": sms.correlation_id,
        "kind": sms.kind,
        "to": sms.to,
        "text": sms.text,
        "status": status,
    }


def _sms(record: dict[str, Any]) -> Sms:
    return Sms(
        record["_id"], record["claim_id"], record["correlation_id"], record["kind"], record["to"], record["text"]
    )


class OptOuts:
    """Who asked not to be invited any more (outreach), by `opt_out_keys`: a STOP reply, or an agent's action."""

    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def add(self, key: str, source: str, agent_id: str | None = None) -> None:
        await self.collection.update_one(
            {"_id": key},
            {"$setOnInsert": {"source": source, "agent_id": agent_id, "at": datetime.now(UTC)}},
            upsert=True,
        )

    async def any_of(self, keys: list[str]) -> bool:
        return await self.collection.find_one({"_id": {"$in": keys}}, {"_id": 1}) is not None
