"""Signs that a scan deserves a human look: active content in a PDF, a photo saved by an image editor.
Hints for the physical inspection, never a rejection: EXIF and PDF names are whatever the sender wrote."""

import re
from contextlib import suppress

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

_PDF_NAMES = {  # raw names anywhere in the file (object streams hide some: the catalog check below covers those)
    b"/JavaScript": "pdf_javascript",
    b"/JS": "pdf_javascript",
    b"/Launch": "pdf_launch_action",
    b"/EmbeddedFile": "pdf_embedded_file",
    b"/EmbeddedFiles": "pdf_embedded_file",
    b"/RichMedia": "pdf_rich_media",
    b"/XFA": "pdf_xfa_form",
}
_PDF_NAME = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9#])")
_ACTIONS = {"/JavaScript": "pdf_javascript", "/Launch": "pdf_launch_action"}
_EXIF_SOFTWARE = 0x0131
_EDITORS = ("photoshop", "gimp", "paint.net", "pixelmator", "affinity photo", "photopea", "picsart", "canva")


def pdf_flags(reader: PdfReader, data: bytes) -> tuple[str, ...]:
    found = {_PDF_NAMES[name] for name in set(_PDF_NAME.findall(data))}
    with suppress(Exception):  # the PDF opened; an odd catalog only means no flag from it
        found |= _catalog_flags(reader)
    return tuple(sorted(found))


def _catalog_flags(reader: PdfReader) -> set[str]:
    root = reader.trailer["/Root"].get_object()
    found: set[str] = set()
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/JavaScript" in names:
        found.add("pdf_javascript")
    if "/EmbeddedFiles" in names:
        found.add("pdf_embedded_file")
    action = root.get("/OpenAction")
    action = action.get_object() if action is not None else None
    if isinstance(action, DictionaryObject) and action.get("/S") in _ACTIONS:
        found.add(_ACTIONS[action["/S"]])
    if "/AA" in root:
        found.add("pdf_automatic_action")
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        found.add("pdf_xfa_form")
    return found


def image_flags(image: Image.Image) -> tuple[str, ...]:
    software = str(image.getexif().get(_EXIF_SOFTWARE, "")).lower()
    return ("image_edited",) if any(editor in software for editor in _EDITORS) else ()
