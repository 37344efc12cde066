"""Suspicious but acceptable scans are accepted with flags for the physical inspection."""

from services.documents.file_checks import Accepted, Limits, check_content
from tests.e2e.samples import pdf_scan, png_scan
from tests.unit.documents.hostile_files import jpeg_scan, pdf_built

LIMITS = Limits(max_file_bytes=1_000_000, max_pdf_pages=5, max_image_pixels=50_000_000)


def flags_of(data: bytes) -> tuple[str, ...]:
    result = check_content(data, LIMITS)
    assert isinstance(result, Accepted), result
    return result.flags


def test_plain_scans_carry_no_flag():
    assert flags_of(pdf_scan()) == flags_of(png_scan()) == flags_of(jpeg_scan()) == ()


def test_a_pdf_running_javascript_when_opened_is_flagged():
    assert flags_of(pdf_built(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"})) == ("pdf_javascript",)


def test_a_pdf_launching_a_program_is_flagged():
    assert flags_of(pdf_built(open_action={"/S": "/Launch", "/F": "cmd.exe"})) == ("pdf_launch_action",)


def test_a_pdf_carrying_an_embedded_file_is_flagged():
    assert flags_of(pdf_built(attachment=b"MZ not really a program")) == ("pdf_embedded_file",)


def test_javascript_hidden_behind_escaped_names_is_still_flagged_from_the_catalog():
    data = pdf_built(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"})
    hidden = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in hidden and b"/JS " not in hidden
    assert flags_of(hidden) == ("pdf_javascript",)


def test_a_photo_saved_by_an_image_editor_is_flagged():
    assert flags_of(jpeg_scan(exif_software="Adobe Photoshop 25.0 (Windows)")) == ("image_edited",)


def test_a_photo_from_a_scanner_app_is_not_flagged():
    assert flags_of(jpeg_scan(exif_software="Adobe Scan 24.1")) == ()
