"""What a scan really is, judged from its bytes, never from its name or declared type."""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


@dataclass(frozen=True)
class Accepted:
    content_type: str
    extension: str
    pages: int
    sha256: str
    size: int


@dataclass(frozen=True)
class Rejected:
    reason: str


def inspect_scan(data: bytes, max_bytes: int, max_pdf_pages: int) -> Accepted | Rejected:
    if not data:
        return Rejected("empty file")
    if len(data) > max_bytes:
        return Rejected(f"file larger than {max_bytes} bytes")
    kind = next((kind for magic, kind in _SIGNATURES.items() if data.startswith(magic)), None)
    if kind is None:
        return Rejected("not a PDF, JPEG or PNG file")
    content_type, extension = kind
    pages = _pdf_pages(data) if content_type == "application/pdf" else _image_pages(data)
    if isinstance(pages, Rejected):
        return pages
    if pages > max_pdf_pages:
        return Rejected(f"more than {max_pdf_pages} pages")
    return Accepted(content_type, extension, pages, hashlib.sha256(data).hexdigest(), len(data))


def _pdf_pages(data: bytes) -> int | Rejected:
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        return Rejected(f"PDF does not open: {type(error).__name__}")
    return pages if pages > 0 else Rejected("PDF has no page")


def _image_pages(data: bytes) -> int | Rejected:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, Image.DecompressionBombError, SyntaxError) as error:
        return Rejected(f"image does not decode: {type(error).__name__}")
    return 1
