"""Lines of text drawn once and replayed on the next receipts that print the same line.

WeasyPrint draws a line of text by shaping it again with Pango and writing its glyphs one by one in Python; most of
a receipt's lines (labels, headings, notes) are the same on every receipt. What a line writes after its position
(font changes and glyph strings) depends only on its text and style, so it is recorded the first time, with the
glyphs each font must then embed, and replayed through the page's stream on the next receipts: the stream keeps
deciding, as usual, when a font change must be written. The Pango layout of a replayed line is never set up again
(`Layout` sets itself up when first used after ``reactivate``).

Only lines drawn while a receipt is written (`drawing_receipt`), without ellipsis, and whose fonts are plain
outline fonts with every glyph found are kept.
"""

from contextvars import ContextVar
from functools import partial

from weasyprint.draw import text
from weasyprint.text.ffi import ffi, gobject
from weasyprint.text.line_break import Layout

from services.receipts.rendering.kept import Kept, using

KEPT_LINES_LIMIT = 5_000  # a receipt draws about eighty lines, some twenty of them its own

ffi.cdef("gpointer g_object_ref (gpointer object);")
weasyprint_draw_first_line = text.draw_first_line
_receipt_lines: ContextVar["DrawnLines | None"] = ContextVar("receipt_lines", default=None)


class DrawnLines(Kept[tuple]):
    """Recorded lines by text and style."""

    LIMIT = KEPT_LINES_LIMIT

    def draw(self, stream, textbox, matrix) -> list:
        layout = textbox.pango_layout
        key = (textbox.text, layout.text, id(textbox.style), layout.justification_spacing)
        recorded = self.find(key)
        if recorded is None:
            recorder = RecordingStream(stream)
            emojis = weasyprint_draw_first_line(recorder, textbox, "clip", "none", matrix)
            if not emojis and recorder.keepable:
                self.keep(key, (recorder.operations, textbox.style))
            return emojis
        for operation, *arguments in recorded[0]:
            if operation == "matrix":
                stream.set_text_matrix(*matrix.values)
            elif operation == "font":
                pango_font, texts, widths = arguments
                font, _ = stream.add_font(pango_font)
                for glyph_id, glyph_text in texts.items():
                    font.to_unicode.setdefault(glyph_id, glyph_text)
                for glyph_id, width in widths.items():
                    font.widths.setdefault(glyph_id, width)
            else:
                getattr(stream, operation)(*arguments)
        return []


class RecordingStream:
    """A page's stream that records what WeasyPrint writes of one line."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.operations: list[tuple] = []
        self.keepable = True

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def set_text_matrix(self, *values) -> None:
        self.operations.append(("matrix",))
        self._stream.set_text_matrix(*values)

    def add_font(self, pango_font):
        font, font_size = self._stream.add_font(pango_font)
        if font.bitmap or font.png or font.svg or font.colr:
            self.keepable = False
        recording = RecordingFont(font, self)
        kept_font = ffi.gc(ffi.cast("PangoFont *", gobject.g_object_ref(pango_font)), gobject.g_object_unref)
        self.operations.append(("font", kept_font, recording.to_unicode.texts, recording.widths.used))
        return recording, font_size

    def set_font_size(self, font, size) -> None:
        self.operations.append(("set_font_size", font, size))
        self._stream.set_font_size(font, size)

    def show_text(self, string) -> None:
        self.operations.append(("show_text", string))
        self._stream.show_text(string)

    def set_text_rise(self, rise) -> None:
        self.operations.append(("set_text_rise", rise))
        self._stream.set_text_rise(rise)


class RecordingFont:
    """A document's font that notes the glyphs one line uses, with the text and width each maps to.

    The line is shown a font that maps none of its glyphs yet, so that it works out the text of each; the
    document's font keeps the text it had for a glyph, as WeasyPrint does.
    """

    def __init__(self, font, recorder: RecordingStream) -> None:
        self._font = font
        self._recorder = recorder
        self.to_unicode = _LineTexts(font.to_unicode)
        self.widths = _LineWidths(font.widths)

    def __getattr__(self, name: str):
        return getattr(self._font, name)

    def get_unused_glyph_id(self, codepoint):  # a glyph no font has: the line is not kept
        self._recorder.keepable = False
        return self._font.get_unused_glyph_id(codepoint)


class _LineTexts:
    """A font's glyph texts as one line sees them: only those it set (``texts``)."""

    def __init__(self, document_texts: dict) -> None:
        self._document_texts = document_texts
        self.texts: dict[int, str] = {}

    def __contains__(self, glyph_id) -> bool:
        return glyph_id in self.texts

    def __setitem__(self, glyph_id, text) -> None:
        self._document_texts.setdefault(glyph_id, text)
        self.texts[glyph_id] = text


class _LineWidths:
    """A font's glyph widths, noting each one the line uses (``used``)."""

    def __init__(self, widths: dict) -> None:
        self._widths = widths
        self.used: dict[int, int] = {}

    def __contains__(self, glyph_id) -> bool:
        return glyph_id in self._widths

    def __getitem__(self, glyph_id):
        self.used[glyph_id] = self._widths[glyph_id]
        return self.used[glyph_id]

    def __setitem__(self, glyph_id, width) -> None:
        self._widths[glyph_id] = self.used[glyph_id] = width


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's ``draw_first_line``, through `DrawnLines` while a receipt is written."""
    lines = _receipt_lines.get()
    if lines is None or text_overflow != "clip" or block_ellipsis != "none":
        return weasyprint_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    return lines.draw(stream, textbox, matrix)


drawing_receipt = partial(using, _receipt_lines)


def _reactivate_when_used(layout: Layout, style) -> None:
    """``Layout.reactivate``, deferred until the layout is used: a replayed line never uses it."""
    for name in ("layout", "language", "style"):
        layout.__dict__.pop(name, None)
    layout._pending_style = style


def _activate(layout: Layout, name: str):
    pending = layout.__dict__.pop("_pending_style", None)
    if pending is None or name not in ("layout", "language", "style"):
        raise AttributeError(name)
    layout.setup(pending)
    layout.set_text(layout.text, justify=True)
    return getattr(layout, name)


def _deactivate(layout: Layout) -> None:
    for name in ("layout", "language", "style", "_pending_style"):
        layout.__dict__.pop(name, None)


text.draw_first_line = draw_first_line  # draw_text looks it up here when it runs
Layout.reactivate = _reactivate_when_used
Layout.__getattr__ = _activate
Layout.deactivate = _deactivate
