import hashlib
import zlib

import pytest
from PIL import ImageFile

from services.documents.file_checks import Accepted, Limits, Rejected, check_content
from tests.e2e.samples import pdf_scan, png_scan
from tests.unit.documents.hostile_files import (
    PHP_SHELL,
    jpeg_declaring,
    jpeg_scan,
    pdf_built,
    pdf_with_wrong_magic,
    png_declaring,
    truncated_jpeg,
    truncated_pdf,
    zip_bomb,
)

LIMITS = Limits(max_file_bytes=1_000_000, max_pdf_pages=5, max_image_pixels=50_000_000)


def rejection(data: bytes, limits: Limits = LIMITS) -> Rejected:
    result = check_content(data, limits)
    assert isinstance(result, Rejected), result
    return result


def test_a_pdf_is_recognised_from_its_content_with_its_pages_size_and_hash():
    data = pdf_scan(pages=3)
    result = check_content(data, LIMITS)
    assert result == Accepted("application/pdf", "pdf", 3, hashlib.sha256(data).hexdigest(), len(data))


@pytest.mark.parametrize(
    "data, content_type, extension", [(png_scan(), "image/png", "png"), (jpeg_scan(), "image/jpeg", "jpg")]
)
def test_images_are_recognised_from_their_content_as_one_page(data, content_type, extension):
    result = check_content(data, LIMITS)
    assert result == Accepted(content_type, extension, 1, hashlib.sha256(data).hexdigest(), len(data))


def test_a_rejection_reason_starts_with_its_stable_code():
    assert rejection(b"").reason == "empty_file: the file is empty"


def test_an_empty_file_is_rejected():
    assert rejection(b"").code == "empty_file"


def test_a_file_over_the_size_limit_is_rejected_naming_the_limit():
    limits = Limits(max_file_bytes=2 * 1024 * 1024, max_pdf_pages=5, max_image_pixels=50_000_000)
    rejected = rejection(b"%PDF-" + b"0" * (2 * 1024 * 1024), limits)
    assert rejected == Rejected("file_too_large", "the file is larger than 2 MiB")


def test_a_file_exactly_at_the_size_limit_is_judged_on_its_content():
    data = pdf_scan()
    limits = Limits(max_file_bytes=len(data), max_pdf_pages=5, max_image_pixels=50_000_000)
    assert isinstance(check_content(data, limits), Accepted)


def test_a_php_script_renamed_pdf_is_not_an_allowed_type():
    rejected = rejection(PHP_SHELL)
    assert rejected.code == "not_allowed_type" and "PHP script" in rejected.message


def test_a_php_script_behind_a_pdf_header_does_not_open_as_a_pdf():
    assert rejection(b"%PDF-1.7\n" + PHP_SHELL + b"%%EOF\n").code == "pdf_unreadable"


def test_a_pdf_with_a_wrong_magic_number_is_not_an_allowed_type():
    assert rejection(pdf_with_wrong_magic()) == Rejected(
        "not_allowed_type", "the content is another type of file, not a PDF, JPEG or PNG"
    )


def test_a_zip_bomb_renamed_png_is_refused_from_its_first_bytes_without_being_expanded():
    rejected = rejection(zip_bomb())
    assert rejected.code == "not_allowed_type" and "ZIP archive" in rejected.message


def test_an_iphone_heic_photo_is_refused_with_a_hint_to_send_a_jpeg():
    heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64
    assert "save it as JPEG" in rejection(heic).message


def test_a_pdf_cut_short_is_rejected_as_truncated():
    assert rejection(truncated_pdf()).code == "pdf_truncated"


def test_a_pdf_that_does_not_parse_is_rejected():
    assert rejection(b"%PDF-1.4\n garbage without any object\n%%EOF\n").code == "pdf_unreadable"


@pytest.mark.parametrize("password", ["secret", ""])
def test_an_encrypted_pdf_is_rejected_even_with_an_empty_user_password(password):
    assert rejection(pdf_built(password=password)).code == "pdf_encrypted"


def test_a_pdf_with_more_pages_than_the_limit_is_rejected_with_the_count():
    assert rejection(pdf_scan(pages=6)) == Rejected("too_many_pages", "the PDF has 6 pages, more than 5")


def test_a_pdf_with_exactly_the_page_limit_is_accepted():
    assert check_content(pdf_scan(pages=5), LIMITS).pages == 5


def test_a_pdf_without_any_page_is_rejected():
    assert rejection(pdf_built(pages=0)).code == "pdf_no_pages"


def test_a_truncated_jpeg_is_rejected_as_truncated():
    assert rejection(truncated_jpeg()).code == "image_truncated"


def test_a_truncated_jpeg_is_rejected_even_once_weasyprint_made_pillow_tolerant(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert rejection(truncated_jpeg()).code == "image_truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # given back as it was


def test_a_png_whose_data_does_not_decode_is_rejected():
    assert rejection(b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\0" * 10_000)).code == "image_unreadable"


def test_a_jpeg_magic_number_on_png_content_is_rejected():
    assert rejection(b"\xff\xd8\xff" + png_scan()).code == "image_unreadable"


@pytest.fixture
def decoding_forbidden(monkeypatch):
    """Any attempt to decode pixels fails the check with another code than `image_too_large`."""

    def refuse(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize(
    "bomb, max_pixels",
    [
        (png_declaring(8000, 7000), 50_000_000),  # above our limit: our check of the header
        (jpeg_declaring(8000, 7000), 50_000_000),
        (png_declaring(10_000, 9_000), 10**12),  # under a lax limit of ours, Pillow warns: the warning is a rejection
        (png_declaring(60_000, 60_000), 10**12),  # far above Pillow's own threshold: Pillow refuses at open
        (jpeg_declaring(65_000, 65_000), 10**12),
    ],
    ids=["png-ours", "jpeg-ours", "png-pillow-warning", "png-pillow-error", "jpeg-pillow-error"],
)
def test_a_tiny_image_declaring_huge_dimensions_is_rejected_without_being_decoded(bomb, max_pixels, decoding_forbidden):
    assert len(bomb) < 2000
    limits = Limits(max_file_bytes=1_000_000, max_pdf_pages=5, max_image_pixels=max_pixels)
    assert rejection(bomb, limits).code == "image_too_large"


def test_a_pixel_bomb_rejection_names_the_declared_dimensions():
    assert rejection(png_declaring(8000, 7000)).message == (
        "the image declares 8000 x 7000 pixels, more than 50,000,000"
    )


def test_an_image_just_under_the_pixel_limit_is_decoded_and_accepted():
    limits = Limits(max_file_bytes=1_000_000, max_pdf_pages=5, max_image_pixels=320 * 240)
    assert isinstance(check_content(jpeg_scan((320, 240)), limits), Accepted)
    assert rejection(jpeg_scan((321, 240)), limits).code == "image_too_large"
