"""Font files and subsets read or made once and embedded again in the next receipts.

A receipt embeds seven fonts, each cut down by HarfBuzz to the glyphs the receipt uses (about 10 ms in all). Most
of them print only the template's labels, so the same glyphs come back receipt after receipt; the subset of a font
depends only on the font and those glyphs, and is kept (`FontSubsets`). Before that, WeasyPrint copies each font's
whole file out of HarfBuzz (several hundred kilobytes, about 3 % of a render) and the subsets' key checksums it:
both are kept per font face (`FontFiles`). Only while a receipt is written (`subsetting_receipt`,
`reading_font_files`).
"""

import zlib
from contextvars import ContextVar
from functools import partial
from typing import Any

from weasyprint.pdf import fonts as weasyprint_pdf_fonts
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

from services.receipts.rendering.kept import Kept, using

KEPT_SUBSETS_LIMIT = 200  # at most a few dozen kilobytes each
KEPT_FONT_FILES_LIMIT = 32  # a receipt uses seven faces; each file several hundred kilobytes

# HarfBuzz (>= 6.0) cuts a face down faster once it has prepared it (same bytes): WeasyPrint's bindings lack the call.
try:
    ffi.cdef("hb_face_t * hb_subset_preprocess (hb_face_t *source);")
    hb_subset_preprocess = harfbuzz_subset.hb_subset_preprocess
except (AttributeError, ffi.error):
    hb_subset_preprocess = None

weasyprint_harfbuzz_subset = Font._harfbuzz_subset
weasyprint_get_hb_object_data = weasyprint_pdf_fonts.get_hb_object_data
_receipt_subsets: ContextVar["FontSubsets | None"] = ContextVar("receipt_subsets", default=None)
_receipt_font_files: ContextVar["FontFiles | None"] = ContextVar("receipt_font_files", default=None)


class FontFiles(Kept[tuple[Any, bytes, int]]):
    """Each HarfBuzz face's whole file and its checksum, by the face's address. A kept face is referenced, so it
    lives, and no other face takes its address, while its file is kept."""

    LIMIT = KEPT_FONT_FILES_LIMIT

    def file_of(self, face) -> bytes | None:
        address = int(ffi.cast("uintptr_t", face))
        kept = self.find(address)
        if kept is None:
            content = weasyprint_get_hb_object_data(face)
            if content is None:
                return None
            kept = (ffi.gc(harfbuzz.hb_face_reference(face), harfbuzz.hb_face_destroy), content, zlib.adler32(content))
            self.keep(address, kept)
        return kept[1]

    def checksum_of(self, content: bytes) -> int:
        """The checksum of a file this store gave (found by identity: a few faces), else computed."""
        for _, kept_content, checksum in self.values():
            if kept_content is content:
                return checksum
        return zlib.adler32(content)


class PreparedFaces(Kept[tuple[Any, Any]]):
    """Each HarfBuzz face prepared for subsetting (`hb_subset_preprocess`), by the face's address; the face is
    referenced while kept, so no other takes its address."""

    LIMIT = KEPT_FONT_FILES_LIMIT

    def of(self, face):
        """The face prepared, or the face itself where HarfBuzz cannot prepare it."""
        if hb_subset_preprocess is None:
            return face
        address = int(ffi.cast("uintptr_t", face))
        kept = self.find(address)
        if kept is None:
            prepared = ffi.gc(hb_subset_preprocess(face), harfbuzz.hb_face_destroy)
            if harfbuzz.hb_face_get_glyph_count(prepared) != harfbuzz.hb_face_get_glyph_count(face):
                prepared = face  # failed: HarfBuzz gave its empty face
            kept = (ffi.gc(harfbuzz.hb_face_reference(face), harfbuzz.hb_face_destroy), prepared)
            self.keep(address, kept)
        return kept[1]


class FontSubsets(Kept[bytes]):
    """Subset fonts by font and glyphs; a subset not kept is cut from the face as `PreparedFaces` has it (a
    receipt's new names cost about 2.5 ms of subsetting, a third less so)."""

    LIMIT = KEPT_SUBSETS_LIMIT

    def __init__(self, limit: int | None = None) -> None:
        super().__init__(limit)
        self.prepared_faces = PreparedFaces()

    def clear(self) -> None:
        super().clear()
        self.prepared_faces.clear()

    def subset(self, font: Font, glyph_ids, hinting: bool) -> None:
        files = _receipt_font_files.get()
        key = (
            font.hash,
            font.index,
            files.checksum_of(font.file_content) if files else zlib.adler32(font.file_content),
            tuple(sorted(glyph_ids)),
            hinting,
            bool(font.missing),
        )
        subset = self.find(key)
        if subset is not None:
            font.file_content = subset
            return
        whole, face = font.file_content, font.hb_face
        font.hb_face = self.prepared_faces.of(face)
        try:
            with using(_receipt_font_files, None):  # the subset's own face is read once, not kept
                weasyprint_harfbuzz_subset(font, glyph_ids, hinting)
        finally:
            font.hb_face = face
        if font.file_content is not whole:  # HarfBuzz could cut it down
            self.keep(key, font.file_content)


def _harfbuzz_subset(font: Font, to_unicode, hinting) -> None:
    """WeasyPrint's ``Font._harfbuzz_subset``, through `FontSubsets` while a receipt is written."""
    subsets = _receipt_subsets.get()
    if subsets is None:
        weasyprint_harfbuzz_subset(font, to_unicode, hinting)
    else:
        subsets.subset(font, to_unicode, hinting)


def _get_hb_object_data(hb_object, ot_color=None, glyph=None):
    """WeasyPrint's ``get_hb_object_data`` as its PDF fonts call it, a whole face's file through `FontFiles` while a
    receipt is written."""
    files = _receipt_font_files.get()
    if files is None or ot_color is not None or glyph is not None:
        return weasyprint_get_hb_object_data(hb_object, ot_color, glyph)
    return files.file_of(hb_object)


subsetting_receipt = partial(using, _receipt_subsets)
reading_font_files = partial(using, _receipt_font_files)


Font._harfbuzz_subset = _harfbuzz_subset
weasyprint_pdf_fonts.get_hb_object_data = _get_hb_object_data
