"""The envelope every event carries, whatever its type."""

from datetime import UTC, datetime
from typing import Literal
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_event_id() -> str:
    return str(uuid4())


class Contract(BaseModel):
    """Base of every contract model: immutable, and tolerant of fields added by newer producers."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class InsuredEvent(Contract):
    """Envelope of an event about an insured rather than a claim (a registry update, an invitation to file): the
    registration number is its Kafka key."""

    event_id: str = Field(default_factory=new_event_id, min_length=1, max_length=64)
    type: str
    version: Literal[1] = 1
    occurred_at: datetime = Field(default_factory=utc_now)
    correlation_id: str = Field(min_length=1, max_length=64)
    producer: str = Field(min_length=1, max_length=64)
    registration_number: str = Field(pattern=r"^\d{9}$")


class Event(Contract):
    """Envelope fields. `claim_id` is also the Kafka key, so one claim's events stay ordered."""

    event_id: str = Field(default_factory=new_event_id, min_length=1, max_length=64)
    type: str
    version: Literal[1] = 1  # a breaking change is a new version, with its own model and an upcaster
    occurred_at: datetime = Field(default_factory=utc_now)
    claim_id: str = Field(min_length=1, max_length=64)
    correlation_id: str = Field(min_length=1, max_length=64)
    producer: str = Field(min_length=1, max_length=64)
