"""Sample scans and readers of what reached the fake SMSC."""

import io
import os
import urllib.parse
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


def smsc_messages() -> list[str]:
    """Every message the fake SMSC received, decoded (UCS-2 messages arrive URL-encoded UTF-16)."""
    log = Path(os.environ.get("FAKESMSC_LOG", "/tmp/taawidaty-run/fakesmsc.log"))
    if not log.exists():
        return []
    return [decode_smsc_line(line) for line in log.read_text(errors="replace").splitlines() if "Got message" in line]


def decode_smsc_line(line: str) -> str:
    if " ucs-2 " not in line:
        return line
    head, _, encoded = line.partition(" ucs-2 ")
    raw = urllib.parse.unquote_to_bytes(encoded.rstrip(">").replace("+", "%20"))
    return f"{head} ucs-2 {raw.decode('utf-16-be', errors='replace')}>"
