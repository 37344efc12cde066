import io
import zlib

import pytest
from PIL import Image

from services.documents.inspection import Accepted, Rejected, inspect_scan
from tests.e2e.samples import pdf_scan, png_scan

LIMIT, PAGES = 1_000_000, 5


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "gray").save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_pdf_is_recognised_from_its_content_with_its_pages_and_hash():
    result = inspect_scan(pdf_scan(pages=3), LIMIT, PAGES)
    assert isinstance(result, Accepted)
    assert (result.content_type, result.extension, result.pages) == ("application/pdf", "pdf", 3)
    assert len(result.sha256) == 64


@pytest.mark.parametrize("data, content_type", [(png_scan(), "image/png"), (jpeg(), "image/jpeg")])
def test_images_are_recognised_from_their_content(data, content_type):
    result = inspect_scan(data, LIMIT, PAGES)
    assert isinstance(result, Accepted) and result.content_type == content_type and result.pages == 1


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"<?php system($_GET['c']); ?>", "not a PDF, JPEG or PNG"),
    (b"%PDX-1.4 not really", "not a PDF, JPEG or PNG"),
    (b"%PDF-1.4\n garbage without any object", "PDF does not open"),
    (jpeg()[: len(jpeg()) // 2], "image does not decode"),
    (b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\0" * 10_000), "image does not decode"),
])
def test_disguised_or_broken_files_are_rejected_with_a_reason(data, reason):
    result = inspect_scan(data, LIMIT, PAGES)
    assert isinstance(result, Rejected) and reason in result.reason


def test_an_oversized_file_is_rejected():
    assert inspect_scan(pdf_scan(), 100, PAGES) == Rejected("file larger than 100 bytes")


def test_a_pdf_with_too_many_pages_is_rejected():
    assert inspect_scan(pdf_scan(pages=6), LIMIT, PAGES) == Rejected("more than 5 pages")
