"""The receipt looks as it did before its rendering was made cheaper: page 1 of the sample receipt against the image
kept in `reference/` (rendered at 100 dpi by the commit before), everywhere but the QR code, whose modules are now
an image rather than an SVG path; the QR code itself must still decode to the verification address."""

from pathlib import Path

from PIL import Image, ImageChops

from services.receipts.rendering.render import render_pdf
from services.receipts.rendering.samples import sample_view

from .pdf_tools import decoded_qr_codes, page_png

REFERENCE = Path(__file__).parent / "reference" / "sample-receipt-page1-100dpi.png"
QR_CODE_BOX = (50, 775, 186, 912)  # pixels at 100 dpi, a margin around the 30 mm code
CHANGED_LEVEL = 48  # a pixel counts as changed when a channel moved by more than this (anti-aliasing moves less)


def changed_pixels(before: Image.Image, after: Image.Image) -> int:
    difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB"))
    difference.paste((0, 0, 0), QR_CODE_BOX)
    return sum(1 for pixel in difference.getdata() if max(pixel) > CHANGED_LEVEL)


def test_page_one_is_unchanged_outside_the_qr_code_and_the_code_decodes():
    view = sample_view()
    pdf = render_pdf(view)
    now = Image.open(page_png(pdf, "look-100dpi", resolution=100))
    before = Image.open(REFERENCE)
    assert now.size == before.size
    assert changed_pixels(before, now) == 0
    assert decoded_qr_codes(page_png(pdf, "look-150dpi", resolution=150)) == [view.verification_url]


def test_the_comparison_sees_a_change_outside_the_qr_code():
    before = Image.open(REFERENCE)
    moved = before.copy()
    moved.paste((0, 0, 0), (400, 1100, 404, 1104))  # 16 pixels of the blank foot of the page
    assert changed_pixels(before, moved) == 16
