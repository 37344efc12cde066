"""Files a claimant (or an attacker) could upload instead of a scan, built at run time (the unit and e2e tests
share them)."""

import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.e2e.samples import pdf_scan

PHP_SHELL = b"<?php system($_GET['cmd']); ?>\n"
# The antivirus test string, split so that no scanner flags this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def jpeg_scan(size: tuple[int, int] = (320, 240), exif_software: str | None = None) -> bytes:
    image = Image.new("RGB", size, "gray")
    exif = Image.Exif()
    if exif_software:
        exif[0x0131] = exif_software
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg_scan()
    return data[: len(data) // 2]


def pdf_with_wrong_magic() -> bytes:
    return b"%PDX-" + pdf_scan().removeprefix(b"%PDF-")


def truncated_pdf() -> bytes:
    data = pdf_scan(pages=2)
    return data[: len(data) - 200]


def pdf_built(
    *, pages: int = 1, password: str | None = None, open_action: dict | None = None, attachment: bytes | None = None
) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if open_action:
        action = DictionaryObject(
            {NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v) for k, v in open_action.items()}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if attachment is not None:
        writer.add_attachment("invoice.exe", attachment)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose header claims `width` x `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + _chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) is rewritten to claim `width` x `height` pixels."""
    data = bytearray(jpeg_scan((16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zip_bomb(expanded_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A ZIP of a few hundred KiB that expands to `expanded_bytes` of zeros."""
    buffer = io.BytesIO()
    zeros = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("scan.png", "w", force_zip64=True) as member,
    ):
        for _ in range(expanded_bytes // len(zeros)):
            member.write(zeros)
    return buffer.getvalue()
