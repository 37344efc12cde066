"""Sample scans and readers of what reached the fake SMSC."""

import hashlib
import io
import os
import re
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter

INSURED_FORM = {
    "claimant_type": "insured",
    "registration_number": "123456789",
    "applicant_name": "Fatima Zahra El Amrani",
    "phone": "0612345678",
    "ceased_activity_on": "2025-12-31",
}

FIRST_NAMES = (
    "Fatima", "Mohamed", "Khadija", "Ahmed", "Aicha", "Youssef", "Naima", "Hassan", "Zineb", "Abdelkader",
    "Malika", "Rachid", "Saida", "Mustapha", "Latifa", "Driss", "Hafsa", "Brahim", "Meryem", "Abdellah",
)  # fmt: skip
FAMILY_NAMES = (
    "El Amrani", "Benjelloun", "Ouazzani", "Alaoui", "Bennani", "Tazi", "El Idrissi", "Berrada", "Chraibi",
    "Lahlou", "Benkirane", "Fassi Fihri", "Sqalli", "El Ouafi", "Ait Ouahmane", "Boutaleb", "Kettani", "Zniber",
    "Belhaj", "Amzil",
)  # fmt: skip


def applicant_name_of(registration_number: str) -> str:
    """A name of this insured's own, as claims filed by many people carry (8,000 combinations)."""
    first, second, family = hashlib.sha256(registration_number.encode()).digest()[:3]
    return f"{FIRST_NAMES[first % 20]} {FIRST_NAMES[second % 20]} {FAMILY_NAMES[family % 20]}"


def pdf_scan(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class SmscMessage:
    """One message (or one part of a long one) as the fake SMSC received it."""

    sender: str
    receiver: str
    coding: str
    text: str


_LINE = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$")


def smsc_log() -> Path:
    return Path(os.environ.get("FAKESMSC_LOG", "/tmp/taawidaty-run/fakesmsc.log"))


def smsc_offset() -> int:
    """Where the fake SMSC's log ends now."""
    return smsc_log().stat().st_size if smsc_log().exists() else 0


# The fake SMSC's log outlives the servers' restarts (start.sh appends to it): what earlier runs and benchmarks sent
# to phones this session's claimants also get (random numbers) is left out.
_SMSC_LOG_START = smsc_offset()


def smsc_messages() -> list[SmscMessage]:
    """Every message the fake SMSC received since this process started, decoded (UCS-2 ones arrive as URL-encoded
    UTF-16); the whole log if it was emptied since."""
    end = smsc_offset()
    if not end:
        return []
    with smsc_log().open("rb") as log:
        log.seek(_SMSC_LOG_START if end >= _SMSC_LOG_START else 0)
        lines = log.read().decode(errors="replace").splitlines()
    return [_parse(match.groups()) for line in lines if (match := _LINE.search(line))]


def sms_from_phone(sender: str, text: str) -> None:
    """An SMS a phone sends to the CNSS's short number, through the fake SMSC (deploy/local/start.sh's FIFO). Each
    line goes in a write of its own: fakesmsc takes one line per read, leaving the rest of a read for the next."""
    fifo = Path(os.environ.get("FAKESMSC_INPUT", "/tmp/taawidaty-run/fakesmsc.in"))
    with fifo.open("w") as phones:
        phones.write(f"{sender} 2020 text {text}\n")
    time.sleep(0.3)


def _parse(fields: tuple[str, ...]) -> SmscMessage:
    sender, receiver, coding, text = fields
    if coding == "ucs-2":
        text = urllib.parse.unquote_to_bytes(text.replace("+", "%20")).decode("utf-16-be", errors="replace")
    return SmscMessage(sender, receiver.lstrip("+"), coding, text)
