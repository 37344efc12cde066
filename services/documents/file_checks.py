"""File checks: what a scan really is, judged from its bytes, never from its name or declared type. Pure: no I/O.
(An agent's physical inspection of a claim is the eligibility service's business, not this.)

Every rejection carries a stable code (for the portal to translate) and a short English message; `reason` is
`"<code>: <message>"`, which is what `RejectedDocument.reason` carries.
"""

import hashlib
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile
from pypdf import PdfReader

from services.documents.flags import image_flags, pdf_flags

ALLOWED = "a PDF, JPEG or PNG"
_ALLOWED_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
ACCEPTED_TYPES = tuple(content_type for _, content_type, _ in _ALLOWED_TYPES)
EXTENSIONS = tuple(extension for _, _, extension in _ALLOWED_TYPES)
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_OTHER_TYPES = (  # recognised only to tell the claimant what they sent instead
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a WebP image or a media file"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"<?php", "a PHP script"),
    (b"#!", "a script"),
    (b"<!doctype html", "a web page"),
    (b"<html", "a web page"),
)
_HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypavif")
_PDF_END_WINDOW = 1024  # readers look for %%EOF in the last 1024 bytes


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_pdf_pages: int
    max_image_pixels: int


@dataclass(frozen=True)
class Accepted:
    content_type: str
    extension: str
    pages: int
    sha256: str
    size: int
    flags: tuple[str, ...] = ()  # worth a look by an agent (active PDF content, an edited photo); not a rejection


@dataclass(frozen=True)
class Rejected:
    code: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.code}: {self.message}"


def size_rejection(data: bytes, max_bytes: int) -> Rejected | None:
    if not data:
        return Rejected("empty_file", "the file is empty")
    if len(data) > max_bytes:
        return Rejected("file_too_large", f"the file is larger than {_human(max_bytes)}")
    return None


def check_content(data: bytes, limits: Limits) -> Accepted | Rejected:
    if rejected := size_rejection(data, limits.max_file_bytes):
        return rejected
    kind = next(((t, e) for magic, t, e in _ALLOWED_TYPES if data.startswith(magic)), None)
    if kind is None:
        return Rejected("not_allowed_type", f"the content is {_what_it_is(data)}, not {ALLOWED}")
    content_type, extension = kind
    if content_type == "application/pdf":
        checked = _check_pdf(data, limits.max_pdf_pages)
    else:
        checked = _check_image(data, _PIL_FORMATS[content_type], limits.max_image_pixels)
    if isinstance(checked, Rejected):
        return checked
    pages, flags = checked
    return Accepted(content_type, extension, pages, hashlib.sha256(data).hexdigest(), len(data), flags)


def _what_it_is(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if data[4:12] in _HEIF_BRANDS:
        return "an HEIC/HEIF/AVIF photo (save it as JPEG)"
    return next((name for magic, name in _OTHER_TYPES if head.startswith(magic.lower())), "another type of file")


def _check_pdf(data: bytes, max_pages: int) -> tuple[int, tuple[str, ...]] | Rejected:
    if b"%%EOF" not in data[-_PDF_END_WINDOW:]:
        return Rejected("pdf_truncated", "the PDF has no end-of-file marker: the upload was cut short")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return Rejected("pdf_encrypted", "the PDF is encrypted (password-protected); send it without protection")
        pages = len(reader.pages)
        if pages > max_pages:
            return Rejected("too_many_pages", f"the PDF has {pages} pages, more than {max_pages}")
        for page in reader.pages:
            _ = page.mediabox  # every page object resolves
        flags = pdf_flags(reader, data)
    except Exception as error:  # any failure to parse untrusted bytes is a rejection, never a crash
        return Rejected("pdf_unreadable", f"the PDF does not open ({type(error).__name__})")
    if pages == 0:
        return Rejected("pdf_no_pages", "the PDF has no page")
    return pages, flags


def _check_image(data: bytes, image_format: str, max_pixels: int) -> tuple[int, tuple[str, ...]] | Rejected:
    too_large = Rejected("image_too_large", f"the image declares more than {max_pixels:,} pixels")
    try:
        with warnings.catch_warnings(), truncation_is_an_error():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size  # from the header: checked before a single pixel is decoded
                if width * height > max_pixels:
                    return Rejected(
                        too_large.code, f"the image declares {width} x {height} pixels, more than {max_pixels:,}"
                    )
                image.load()
                flags = image_flags(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return too_large
    except Exception as error:  # truncated, corrupt, or another format behind the right magic number
        if "truncated" in str(error):
            return Rejected("image_truncated", "the image is cut short: the upload is incomplete")
        return Rejected("image_unreadable", f"the image does not decode ({type(error).__name__})")
    return 1, flags


@contextmanager
def truncation_is_an_error() -> Iterator[None]:
    """Pillow's tolerance of truncated images is process-wide, and WeasyPrint turns it on when imported."""
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB" if size >= 1024 * 1024 else f"{size} bytes"
