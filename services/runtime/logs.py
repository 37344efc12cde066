"""JSON logs with personal data masked: registration numbers, ID card numbers and phone numbers."""

import json
import logging
import re
import sys
from datetime import UTC, datetime

_PHONE = re.compile(r"(?<!\d)(?:\+|00)?212[\s.-]?[5-7](?:[\s.-]?\d){8}(?!\d)|(?<!\d)0[5-7](?:[\s.-]?\d){8}(?!\d)")
_REGISTRATION = re.compile(r"(?<!\d)\d{9}(?!\d)")
_ID_CARD = re.compile(r"\b[A-Z]{1,2}\d{4,7}\b")


def mask_personal_data(text: str) -> str:
    """Replace every phone, registration or ID card number by a mask keeping only its last two characters."""
    for pattern in (_PHONE, _REGISTRATION, _ID_CARD):
        text = pattern.sub(lambda m: "*" * (len(m.group()) - 2) + m.group()[-2:], text)
    return text


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("correlation_id", "claim_id", "event_id", "topic"):
            if (value := getattr(record, key, None)) is not None:
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return mask_personal_data(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "pymongo", "urllib3", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
