"""The receipt looks as it did before its rendering was made cheaper: page 1 of two sample receipts against the
images kept in `reference/` (rendered at 100 dpi with WeasyPrint's full user-agent stylesheet and the QR code as an
SVG path), everywhere but the QR code, which is now an image; the QR code must still decode to its address."""

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from services.receipts.rendering.render import render_pdf
from services.receipts.rendering.samples import sample_view

from .pdf_tools import decoded_qr_codes, page_png

REFERENCES = Path(__file__).parent / "reference"
CHANGED_LEVEL = 48  # a pixel counts as changed when a channel moved by more than this (anti-aliasing moves less)
# (the sample's options, its page 1 at 100 dpi, the QR code's box in it with a margin)
LOOKS = [
    ({}, "sample-receipt-page1-100dpi.png", (50, 775, 186, 912)),
    (
        {"claimant_type": "survivors", "inspection_selected": True},
        "survivors-inspection-page1-100dpi.png",
        (50, 921, 186, 1058),
    ),
]


def changed_pixels(before: Image.Image, after: Image.Image, qr_code_box: tuple[int, int, int, int]) -> int:
    difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB"))
    difference.paste((0, 0, 0), qr_code_box)
    return sum(1 for pixel in difference.get_flattened_data() if max(pixel) > CHANGED_LEVEL)


@pytest.mark.parametrize(("options", "reference", "qr_code_box"), LOOKS, ids=["insured", "survivors-inspection"])
def test_page_one_is_unchanged_outside_the_qr_code_and_the_code_decodes(options, reference, qr_code_box):
    view = sample_view(**options)
    pdf = render_pdf(view)
    now = Image.open(page_png(pdf, f"look-{reference}", resolution=100))
    before = Image.open(REFERENCES / reference)
    assert now.size == before.size
    assert changed_pixels(before, now, qr_code_box) == 0
    assert decoded_qr_codes(page_png(pdf, f"look-150dpi-{reference}", resolution=150)) == [view.verification_url]


def test_the_comparison_sees_a_change_outside_the_qr_code():
    before = Image.open(REFERENCES / LOOKS[0][1])
    moved = before.copy()
    moved.paste((0, 0, 0), (400, 1100, 404, 1104))  # 16 pixels of the blank foot of the page
    assert changed_pixels(before, moved, LOOKS[0][2]) == 16
