"""Render a ReceiptView to HTML (Jinja2) and to a deterministic PDF (WeasyPrint).

The template, stylesheet, fonts and assets are loaded once per process and reused; they are not shared
between threads, so render PDFs from one thread per process (ReceiptRenderer's workers do).
"""

import base64
import mimetypes
import re
import zlib
from functools import cache, partial
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import cssselect2
import pydyf
import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint.css import StyleFor
from weasyprint.css.targets import TargetCollector
from weasyprint.formatting_structure.boxes import Box
from weasyprint.images import get_image_from_uri
from weasyprint.layout import LayoutContext
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from services.receipts.rendering import backgrounds, qr  # noqa: F401 (backgrounds: patches WeasyPrint on import)
from services.receipts.rendering.cell_layouts import CellLayouts
from services.receipts.rendering.drawn_lines import DrawnLines, drawing_receipt
from services.receipts.rendering.font_subsets import (
    KEPT_SUBSETS_LIMIT,
    FontFiles,
    FontSubsets,
    reading_font_files,
    subsetting_receipt,
)
from services.receipts.rendering.kept import Kept
from services.receipts.rendering.samples import sample_view
from services.receipts.rendering.view import ReceiptView

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
TEMPLATE_NAME = "receipt.html.j2"
STYLESHEET_NAME = "receipt.css"
USER_AGENT_STYLESHEET_NAME = "user_agent.css"
EMBLEM_NAME = "emblem.svg"
BASE_URL = TEMPLATE_DIR.as_uri() + "/"
QR_CODE_CLASS = "qr-code"
QR_CODE_PLACE = Markup(f'<div class="{QR_CODE_CLASS}"></div>')  # where render_pdf draws the QR code
BETWEEN_TAGS = re.compile(r">\s+<")  # the template's indentation, which the page does not show
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # XML cannot hold them
POINTS_PER_CSS_PX = 0.75
PDF_OPTIONS = {"pdf_identifier": False, "optimize_images": True, "full_fonts": False, "hinting": False}
# pydyf deflates every stream at zlib's level 9. A font file is deflated once and kept (`DeflatedFonts`), at level 6:
# within 1 % of level 9's size. The page's content (about 50 kB, new every receipt) costs 1.9 ms at level 6 and
# 0.3 ms at level 1, for 3 kB more in a 46 kB receipt.
STREAM_COMPRESSION_LEVEL = 1
FONT_COMPRESSION_LEVEL = 6
REUSED_STYLES_LIMIT = 10_000  # a template's elements give about a hundred; more means keys that never repeat
STYLED_SKELETONS_LIMIT = 1_000  # receipts differ in claimant, inspection, number of documents and the day


class ForbiddenAsset(ValueError):
    """The document asked for a resource that is not one of the template's own files."""


class ReceiptAssetRefused(RuntimeError):
    """Rendering stopped because the document referenced a forbidden resource."""


class TemplateAssetFetcher(URLFetcher):
    """Serves only files inside the template folder (and ``data:`` URLs); refuses everything else."""

    def __init__(self, root: Path = TEMPLATE_DIR) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
        self._root = root.resolve()
        self._bodies: dict[Path, bytes] = {}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ForbiddenAsset(f"refused to fetch {url!r}: only the template's own assets are served")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise ForbiddenAsset(f"refused to fetch {url!r}: not a file of the receipt template")
        if path not in self._bodies:
            self._bodies[path] = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), self._bodies[path], {"Content-Type": content_type})


@cache
def asset_fetcher() -> TemplateAssetFetcher:
    return TemplateAssetFetcher()


@cache
def jinja_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def stylesheet_text() -> str:
    return (TEMPLATE_DIR / STYLESHEET_NAME).read_text(encoding="utf-8")


@cache
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


@cache
def stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(
        string=stylesheet_text(),
        base_url=BASE_URL,
        url_fetcher=asset_fetcher(),
        font_config=font_configuration(),
    )


@cache
def user_agent_stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(TEMPLATE_DIR / USER_AGENT_STYLESHEET_NAME), font_config=font_configuration())


class ReceiptHTML(weasyprint.HTML):
    """The receipt's HTML, styled from its own short user-agent stylesheet rather than WeasyPrint's full one, and
    laid out as a `ReceiptDocument`.

    The template is written as well-formed XML (void elements closed, every ``<tbody>`` explicit), so the C XML
    parser reads it into the same tree as an HTML parser would, in 0.1 ms instead of WeasyPrint's 5 ms.
    """

    def __init__(self, source: str) -> None:
        root = ElementTree.fromstring(NOT_IN_XML.sub("", source))
        self.base_url, self.url_fetcher, self.media_type = BASE_URL, asset_fetcher(), "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [user_agent_stylesheet()]

    def render(self, **options) -> weasyprint.Document:
        options = {**weasyprint.DEFAULT_OPTIONS, **options}
        return ReceiptDocument._render(self, options.pop("font_config"), None, None, options)


class ReceiptDocument(weasyprint.Document):
    """A WeasyPrint document whose elements take their computed styles from `ReusedStyles`, whose table cells
    are laid out by `CellLayouts`, whose lines of text are drawn by `DrawnLines` and whose fonts are cut down by
    `FontSubsets`.

    Only the user-agent sheet and the stylesheets passed to ``render`` apply: the receipt's HTML has no ``<style>``
    or ``<link>`` of its own (``render_html(standalone=False)``).
    """

    @classmethod
    def _build_layout_context(cls, html, font_config, counter_style, color_profiles, options) -> LayoutContext:
        sheets = [(sheet, "user agent", None) for sheet in html._ua_stylesheets()]
        sheets += [(sheet, "user", None) for sheet in options["stylesheets"]]
        target_collector = TargetCollector()
        style_for = ReusedStyles(html, sheets, False, font_config, target_collector)
        images = partial(get_image_from_uri, cache=options["cache"], url_fetcher=html.url_fetcher, options=options)
        context = LayoutContext(style_for, images, font_config, counter_style, target_collector)
        context.cell_layouts = cell_layouts()
        return context

    def write_pdf(self, *args, **kwargs):
        with drawing_receipt(drawn_lines()), subsetting_receipt(font_subsets()), reading_font_files(font_files()):
            return super().write_pdf(*args, **kwargs)


class ReusedStyles(StyleFor):
    """Computed styles kept from one receipt to the next.

    WeasyPrint computes each property of each element's style lazily, and shares one computed style between the
    elements of a document with the same parent style and rules; that computing was about a third of a render. Every
    receipt has the same elements and rules, so a style is shared here across renders too, keyed by its parent style
    and its cascaded declarations. Declarations come from the cached stylesheets (the same objects every time) or
    from attributes such as ``lang`` (equal values); the cache keeps what it keys by ``id`` alive.

    Matching the stylesheets' selectors against every element is skipped too when a receipt's elements have the
    same tags, attributes and places as an earlier receipt's (`skeleton`): each element then takes the styles its
    counterpart had.

    What that asks of the template: no ``overflow`` on ``html`` or ``body`` (WeasyPrint moves it to the page by
    writing into their style), and no anchors (an element whose style declares one is computed afresh).
    """

    def __init__(self, html, sheets, presentational_hints, font_config, target_collector):
        key = (skeleton(html.etree_element), tuple(id(sheet) for sheet, _, _ in sheets), presentational_hints)
        kept = styled_skeletons()
        if key in kept:
            self._cascaded_styles, self._computed_styles = {}, {}
            self.initial_page_sizes = {"box": None, "area": None}
            self._sheets, self.font_config = sheets, font_config
            for element, styles in zip(html.etree_element.iter(), kept[key][0], strict=True):
                for pseudo_type, style in styles:
                    self._computed_styles[element, pseudo_type] = style
            return
        super().__init__(html, sheets, presentational_hints, font_config, target_collector)
        if any(style["anchor"] for style in self._computed_styles.values()):
            return
        by_element: dict = {}
        for (element, pseudo_type), style in self._computed_styles.items():
            by_element.setdefault(element, []).append((pseudo_type, style))
        if len(kept) >= STYLED_SKELETONS_LIMIT:
            kept.clear()
        kept[key] = ([tuple(by_element.get(element, ())) for element in html.etree_element.iter()], sheets)

    def set_computed_styles(self, element, parent, root=None, pseudo_type=None, base_url=None, target_collector=None):
        cascaded = self.get_cascaded_styles().get((element, pseudo_type), {})
        if not hasattr(element, "tag") or "anchor" in cascaded:  # an @page's style; a target for links
            return super().set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
        parent_style = None if parent is None else self.get_computed_styles()[parent, None]
        declared = tuple((name, _key_of(value), weight) for name, (value, weight) in cascaded.items())
        key = (id(parent_style), pseudo_type, declared)
        reused = reused_styles()
        if key in reused:
            self.get_computed_styles()[element, pseudo_type] = reused[key][0]
            return None
        super().set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
        if len(reused) >= REUSED_STYLES_LIMIT:
            reused.clear()
        reused[key] = (self.get_computed_styles()[element, pseudo_type], parent_style, cascaded)
        return None


def _key_of(value):
    """A declared value as part of a cache key: itself when it can be hashed (an attribute's value, new each
    render), else its identity (a stylesheet's parsed value, the same object every render)."""
    try:
        hash(value)
    except TypeError:
        return id(value)
    return value


def skeleton(root: ElementTree.Element) -> tuple:
    """What selectors can match in a document: each element's tag, attributes, number of children and whether it
    holds text, in document order."""
    return tuple(
        (element.tag, tuple(element.attrib.items()), len(element), bool(element.text)) for element in root.iter()
    )


@cache
def reused_styles() -> dict:
    return {}


@cache
def styled_skeletons() -> dict:
    return {}


@cache
def cell_layouts() -> CellLayouts:
    return CellLayouts()


@cache
def drawn_lines() -> DrawnLines:
    return DrawnLines()


@cache
def font_subsets() -> FontSubsets:
    return FontSubsets()


@cache
def font_files() -> FontFiles:
    return FontFiles()


@cache
def deflated_fonts() -> "DeflatedFonts":
    return DeflatedFonts()


@cache
def image_cache() -> dict:
    return {}


@cache
def emblem_data_uri() -> str:
    encoded = base64.b64encode((TEMPLATE_DIR / EMBLEM_NAME).read_bytes()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def render_html(view: ReceiptView, *, standalone: bool = True) -> str:
    """The receipt as HTML; ``standalone`` inlines the stylesheet, emblem and QR code so it needs no other file.

    Otherwise the QR code's cell holds an empty square for ``render_pdf`` to draw in.
    """
    template = jinja_environment().get_template(TEMPLATE_NAME)
    return template.render(
        view=view,
        qr_code=Markup(qr.svg(view.verification_url)) if standalone else QR_CODE_PLACE,
        inline_css=standalone,
        css=Markup(stylesheet_text()) if standalone else "",
        emblem_src=emblem_data_uri() if standalone else EMBLEM_NAME,
    )


def render_pdf(view: ReceiptView) -> bytes:
    """The receipt as PDF bytes; the same view always gives the same bytes."""
    document = laid_out(BETWEEN_TAGS.sub("><", render_html(view, standalone=False)))  # no blank text boxes to lay out
    page_number, place = _qr_code_place(document)
    qr_code = qr_code_path(view.verification_url, place)
    return document.write_pdf(finisher=partial(finish, page_number, qr_code), **PDF_OPTIONS)


def laid_out(source: str) -> weasyprint.Document:
    """A receipt's well-formed HTML (`ReceiptHTML`) laid out in pages with the receipt's stylesheet and fonts."""
    html = ReceiptHTML(source)
    try:
        return html.render(stylesheets=[stylesheet()], font_config=font_configuration(), cache=image_cache())
    except FatalURLFetchingError as error:
        raise ReceiptAssetRefused(str(error)) from error.__cause__


def _qr_code_place(document: weasyprint.Document) -> tuple[int, Box]:
    """The page (from 0) and box of `QR_CODE_PLACE`: a long list of documents can push it onto a later page."""
    for page_number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if box.element_tag == "div" and box.element is not None and box.element.get("class") == QR_CODE_CLASS:
                return page_number, box
    raise LookupError("the receipt template has no place for the QR code")


def qr_code_path(content: str, place: Box) -> bytes:
    """The QR code of ``content`` drawn in ``place``, in the page's PDF coordinates."""
    x, y, side = (length * POINTS_PER_CSS_PX for length in (place.content_box_x(), place.content_box_y(), place.width))
    return qr.pdf_path(qr.qr_code(content).matrix, x, y, side)


def finish(page_number: int, operators: bytes, _document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """The ``write_pdf`` finisher: ``operators`` appended to the page's content, after all WeasyPrint drew there;
    then every stream deflated."""
    page = pdf.objects[pdf.pages["Kids"][3 * page_number]]  # Kids: number, generation, "R" for each page
    content_number = int(page["Contents"].split()[0])
    pdf.objects[content_number].stream.append(operators)
    fonts = deflated_fonts()
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, pydyf.Stream):
            deflate(pdf_object, fonts)


def deflate(stream: pydyf.Stream, fonts: "DeflatedFonts | None" = None) -> None:
    """Compress the stream as pydyf would, at `STREAM_COMPRESSION_LEVEL`; pydyf then writes it as it is. Left to
    pydyf when it holds anything but bytes (pydyf's own conversions). A font file through ``fonts``, at
    `FONT_COMPRESSION_LEVEL`."""
    if stream.compress and all(isinstance(item, bytes) for item in stream.stream):
        if len(stream.stream) == 1 and _holds_font_file(stream):
            font_file = stream.stream[0]
            stream.stream = [
                fonts.deflated(font_file) if fonts is not None else zlib.compress(font_file, FONT_COMPRESSION_LEVEL)
            ]
        else:
            stream.stream = [zlib.compress(b"\n".join(stream.stream), STREAM_COMPRESSION_LEVEL)]
        stream.extra["Filter"] = "/FlateDecode"
        stream.compress = False


def _holds_font_file(stream: pydyf.Stream) -> bool:
    """A TrueType file (its length before compression given) or an OpenType one, as WeasyPrint embeds them."""
    return "Length1" in stream.extra or stream.extra.get("Subtype") == "/OpenType"


class DeflatedFonts(Kept[tuple[bytes, bytes]]):
    """Font files deflated, by the very bytes object `FontSubsets` gives again for the same subset: a receipt's seven
    fonts were most of what deflating cost. An entry keeps its bytes object alive, so no other takes its id."""

    LIMIT = KEPT_SUBSETS_LIMIT

    def deflated(self, font_file: bytes) -> bytes:
        key = (id(font_file), FONT_COMPRESSION_LEVEL)
        kept = self.find(key)
        if kept is None:
            kept = (font_file, zlib.compress(font_file, FONT_COMPRESSION_LEVEL))
            self.keep(key, kept)
        return kept[1]


def warm_up() -> None:
    """Load fonts, stylesheet and template once so the first real receipt is as fast as the others."""
    render_pdf(sample_view())
