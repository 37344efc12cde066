"""A message a consumer could not handle, kept with the reason so an operator can replay it."""

from datetime import datetime

from contracts.envelope import Contract


class DeadLetter(Contract):
    source_topic: str
    partition: int
    offset: int
    consumer: str
    reason: str
    failed_at: datetime
    attempts: int
    original_value_b64: str
    original_size: int = 0
    """Bytes of the original; when larger than what `original_value_b64` holds, the original was cut."""
    original_sha256: str = ""
    original_headers: dict[str, str] = {}
