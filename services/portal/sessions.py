"""Server-side sessions: the browser holds only a random session id in an HttpOnly cookie; the tokens, the
sign-in in progress and the anti-forgery token stay here, in the portal's own MongoDB collection, so that any
instance of the portal serves any request. Stored under the id's SHA-256, so a database dump opens no session."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


@dataclass
class Session:
    id: str
    csrf_token: str
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> dict[str, Any] | None:
        return self.data.get("user")


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(self, collection: AsyncCollection, idle: timedelta, lifetime: timedelta) -> None:
        self.collection, self.idle, self.lifetime = collection, idle, lifetime

    async def new(self, data: dict[str, Any] | None = None) -> Session:
        now = datetime.now(UTC)
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now, data or {})
        await self.collection.insert_one(
            {
                "_id": _key(session.id),
                "csrf_token": session.csrf_token,
                "created_at": now,
                "seen_at": now,
                "data": session.data,
            }
        )
        return session

    async def find(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        record = await self.collection.find_one({"_id": _key(session_id)})
        if record is None:
            return None
        now = datetime.now(UTC)
        if now - record["seen_at"] > self.idle or now - record["created_at"] > self.lifetime:
            await self.delete(session_id)
            return None
        if now - record["seen_at"] > timedelta(minutes=1):
            await self.collection.update_one({"_id": record["_id"]}, {"$set": {"seen_at": now}})
        return Session(session_id, record["csrf_token"], record["created_at"], record.get("data") or {})

    async def save(self, session: Session, *keys: str) -> None:
        """Write back the keys of `data` this request changed, and only them: the same person's other requests (a
        page polling, an upload) may have changed others meanwhile."""
        changes: dict[str, Any] = {"$set": {"seen_at": datetime.now(UTC)}}
        changes["$set"] |= {f"data.{key}": session.data[key] for key in keys if key in session.data}
        if removed := {f"data.{key}": "" for key in keys if key not in session.data}:
            changes["$unset"] = removed
        await self.collection.update_one({"_id": _key(session.id)}, changes)

    async def delete(self, session_id: str) -> None:
        await self.collection.delete_one({"_id": _key(session_id)})

    async def forget_expired(self) -> None:
        now = datetime.now(UTC)
        await self.collection.delete_many(
            {"$or": [{"seen_at": {"$lt": now - self.idle}}, {"created_at": {"$lt": now - self.lifetime}}]}
        )
