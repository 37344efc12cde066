"""The receipt looks as it did before its rendering was made cheaper (its own short user-agent stylesheet, markup
without indentation): page 1 of two sample receipts against the images kept in `reference/`, rendered at 100 dpi
with WeasyPrint's full user-agent stylesheet; and the QR code still decodes to its address."""

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from services.receipts.rendering.render import render_pdf
from services.receipts.rendering.samples import sample_view

from .pdf_tools import decoded_qr_codes, page_png

REFERENCES = Path(__file__).parent / "reference"
CHANGED_LEVEL = 48  # a pixel counts as changed when a channel moved by more than this (anti-aliasing moves less)
LOOKS = [  # (the sample's options, its page 1 at 100 dpi)
    ({}, "sample-receipt-page1-100dpi.png"),
    ({"claimant_type": "survivors", "inspection_selected": True}, "survivors-inspection-page1-100dpi.png"),
]


def changed_pixels(before: Image.Image, after: Image.Image) -> int:
    difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB"))
    return sum(1 for pixel in difference.get_flattened_data() if max(pixel) > CHANGED_LEVEL)


@pytest.mark.parametrize(("options", "reference"), LOOKS, ids=["insured", "survivors-inspection"])
def test_page_one_is_unchanged_and_its_qr_code_decodes(options, reference):
    view = sample_view(**options)
    pdf = render_pdf(view)
    now = Image.open(page_png(pdf, f"look-{reference}", resolution=100))
    before = Image.open(REFERENCES / reference)
    assert now.size == before.size
    assert changed_pixels(before, now) == 0
    assert decoded_qr_codes(page_png(pdf, f"look-150dpi-{reference}", resolution=150)) == [view.verification_url]


def test_the_comparison_sees_a_change():
    before = Image.open(REFERENCES / LOOKS[0][1])
    moved = before.copy()
    moved.paste((0, 0, 0), (400, 1100, 404, 1104))  # 16 pixels of the blank foot of the page
    assert changed_pixels(before, moved) == 16
