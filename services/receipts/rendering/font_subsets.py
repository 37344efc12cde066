"""Font subsets made once and embedded again in the next receipts that use the same glyphs of the same font.

A receipt embeds seven fonts, each cut down by HarfBuzz to the glyphs the receipt uses (about 10 ms in all). Most
of them print only the template's labels, so the same glyphs come back receipt after receipt; the subset of a font
depends only on the font and those glyphs, and is kept. Only while a receipt is written (`subsetting_receipt`).
"""

import zlib
from contextvars import ContextVar
from functools import partial

from weasyprint.pdf.fonts import Font

from services.receipts.rendering.kept import Kept, using

KEPT_SUBSETS_LIMIT = 200  # at most a few dozen kilobytes each

weasyprint_harfbuzz_subset = Font._harfbuzz_subset
_receipt_subsets: ContextVar["FontSubsets | None"] = ContextVar("receipt_subsets", default=None)


class FontSubsets(Kept[bytes]):
    """Subset fonts by font and glyphs."""

    LIMIT = KEPT_SUBSETS_LIMIT

    def subset(self, font: Font, glyph_ids, hinting: bool) -> None:
        key = (
            font.hash,
            font.index,
            zlib.adler32(font.file_content),
            tuple(sorted(glyph_ids)),
            hinting,
            bool(font.missing),
        )
        subset = self.find(key)
        if subset is not None:
            font.file_content = subset
            return
        whole = font.file_content
        weasyprint_harfbuzz_subset(font, glyph_ids, hinting)
        if font.file_content is not whole:  # HarfBuzz could cut it down
            self.keep(key, font.file_content)


def _harfbuzz_subset(font: Font, to_unicode, hinting) -> None:
    """WeasyPrint's ``Font._harfbuzz_subset``, through `FontSubsets` while a receipt is written."""
    subsets = _receipt_subsets.get()
    if subsets is None:
        weasyprint_harfbuzz_subset(font, to_unicode, hinting)
    else:
        subsets.subset(font, to_unicode, hinting)


subsetting_receipt = partial(using, _receipt_subsets)


Font._harfbuzz_subset = _harfbuzz_subset
