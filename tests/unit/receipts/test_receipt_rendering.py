"""Rendering is deterministic, escapes what it prints and fetches nothing but the template's own files."""

import re
import zlib

import pytest
import weasyprint
from jinja2 import UndefinedError
from weasyprint.css import StyleFor
from weasyprint.layout import background

from services.receipts.rendering import backgrounds, font_subsets, render
from services.receipts.rendering.render import (
    TEMPLATE_DIR,
    ForbiddenAsset,
    ReceiptAssetRefused,
    TemplateAssetFetcher,
    asset_fetcher,
    jinja_environment,
    render_html,
    render_pdf,
    reused_styles,
    styled_skeletons,
)
from services.receipts.rendering.view import ReceiptView

from .conftest import make_view
from .pdf_tools import flowing_text

FORBIDDEN_URLS = [
    "http://example.com/x.png",
    "https://example.com/x.png",
    "file:///etc/passwd",
    f"{TEMPLATE_DIR.as_uri()}/../../../../../../etc/passwd",
    f"{TEMPLATE_DIR.as_uri()}/missing.png",
    "file://otherhost/etc/passwd",
    "ftp://example.com/x.png",
]


@pytest.mark.parametrize("url", FORBIDDEN_URLS)
def test_the_asset_fetcher_refuses_anything_outside_the_template_folder(url: str) -> None:
    with pytest.raises(ForbiddenAsset):
        TemplateAssetFetcher().fetch(url)


def test_the_asset_fetcher_serves_the_templates_own_emblem_and_data_urls() -> None:
    emblem = asset_fetcher().fetch(f"{TEMPLATE_DIR.as_uri()}/emblem.svg")
    assert emblem.content_type == "image/svg+xml"
    assert emblem.read() == (TEMPLATE_DIR / "emblem.svg").read_bytes()
    assert asset_fetcher().fetch("data:text/plain;base64,b2s=").read() == b"ok"


def test_a_document_referencing_a_local_file_fails_instead_of_embedding_it() -> None:
    html = weasyprint.HTML(
        string='<img src="file:///etc/passwd">',
        base_url=TEMPLATE_DIR.as_uri() + "/",
        url_fetcher=asset_fetcher(),
    )
    with pytest.raises(weasyprint.urls.FatalURLFetchingError) as raised:
        html.write_pdf()
    assert isinstance(raised.value.__cause__, ForbiddenAsset)


def test_the_refusal_surfaces_as_a_receipt_error_when_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view("insured", False)
    monkeypatch.setattr(
        "services.receipts.rendering.render.render_html",
        lambda view, standalone: '<html><body><img src="http://example.com/x.png" /><p>x</p></body></html>',
    )
    with pytest.raises(ReceiptAssetRefused):
        render_pdf(view)


def test_the_same_view_renders_byte_identical_pdfs_and_another_view_does_not() -> None:
    view = make_view("survivors", True)
    first, second = render_pdf(view), render_pdf(view)
    assert first == second
    assert render_pdf(make_view("survivors", False)) != first


def test_styles_kept_from_earlier_receipts_change_no_byte_and_are_reused() -> None:
    views = [make_view(claimant, inspection) for claimant in ("insured", "survivors") for inspection in (False, True)]
    fresh = []
    for view in views:
        reused_styles().clear()
        styled_skeletons().clear()
        fresh.append(render_pdf(view))
    kept = len(reused_styles())
    assert [render_pdf(view) for view in reversed(views)] == list(reversed(fresh))
    assert render_pdf(views[-1]) == fresh[-1]
    assert 0 < kept <= len(reused_styles()) < 2 * kept  # the other views added their few own elements, no more


def test_a_receipt_shaped_like_an_earlier_one_takes_its_styles_without_matching_selectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = make_view("insured", False)
    renamed = first.model_copy(update={"applicant_name": "Mohamed Amine EL IDRISSI", "reference": "TW-2026-X"})
    styled_skeletons().clear()
    fresh = render_pdf(renamed)
    styled_skeletons().clear()
    render_pdf(first)
    assert len(styled_skeletons()) == 1

    def match_selectors(*args, **kwargs):
        raise AssertionError("the selectors were matched again")

    with monkeypatch.context() as patched:
        patched.setattr(StyleFor, "__init__", match_selectors)
        assert render_pdf(renamed) == fresh
        with pytest.raises(AssertionError, match="matched again"):
            render_pdf(make_view("insured", True))  # one more table: another shape
    render_pdf(make_view("insured", True))
    assert len(styled_skeletons()) == 2


def varied_views() -> list[ReceiptView]:
    insured = make_view("insured", False)
    return [
        insured,
        make_view("survivors", True),
        insured.model_copy(update={"applicant_name": "عبد الرحمن بن محمد الإدريسي الحسني " * 4}),  # wraps: rows move
        insured.model_copy(  # a glyph no font has; onto page 2, where cells no longer fit where they were laid out
            update={"applicant_name": "Zoé ÇA\u0301MARA \U0001f600", "documents": insured.documents * 20}
        ),
    ]


@pytest.mark.parametrize(
    ("kept", "least_reused"),
    [("cell_layouts", 50), ("drawn_lines", 80), ("font_subsets", 3), ("font_files", 5), ("deflated_fonts", 3)],
    # a receipt has ~60 cells, ~80 lines, 7 fonts
)
def test_what_earlier_receipts_left_changes_no_byte_and_is_reused(
    kept: str, least_reused: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    views = varied_views()
    getattr(render, kept)().clear()
    first = [render_pdf(view) for view in views]
    assert getattr(render, kept)().reused >= least_reused * len(views)
    assert [render_pdf(view) for view in reversed(views)] == list(reversed(first))
    monkeypatch.setattr(render, kept, lambda: None)
    assert [render_pdf(view) for view in views] == first
    assert "Zoé" in flowing_text(first[3])


def test_fonts_are_cut_from_faces_harfbuzz_prepared_once() -> None:
    subsets = render.font_subsets()
    subsets.clear()
    for view in varied_views():
        render_pdf(view)
    assert font_subsets.hb_subset_preprocess is not None  # Debian 12's HarfBuzz 6.0 has it
    assert 0 < len(subsets.prepared_faces) <= 8 and subsets.prepared_faces.reused > 0


def test_boxes_that_paint_nothing_get_what_weasyprint_gives_them(monkeypatch: pytest.MonkeyPatch) -> None:
    views = varied_views()
    shortcuts = []

    def counted(page, box, *args, **kwargs):
        if box is not page and kwargs.get("style") is None and backgrounds.paints_nothing(box.style):
            shortcuts.append(box)
        return backgrounds.layout_box_backgrounds(page, box, *args, **kwargs)

    monkeypatch.setattr(background, "layout_box_backgrounds", counted)
    shortcut = [render_pdf(view) for view in views]
    assert len(shortcuts) >= 200 * len(views)  # most boxes: lines, text, plain cells
    monkeypatch.setattr(background, "layout_box_backgrounds", backgrounds.weasyprint_layout_box_backgrounds)
    assert [render_pdf(view) for view in views] == shortcut


def test_every_stream_is_deflated_the_fonts_as_small_as_pydyf_makes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view("survivors", True)
    pdf = render_pdf(view)
    streams = streams_of(pdf)
    assert len(streams) > 10
    assert all(b"/Filter /FlateDecode" in extra and zlib.decompress(data) for extra, data in streams)
    monkeypatch.setattr(render, "STREAM_COMPRESSION_LEVEL", 9)  # pydyf's own
    monkeypatch.setattr(render, "FONT_COMPRESSION_LEVEL", 9)
    smallest = render_pdf(view)
    assert len(pdf) <= 1.1 * len(smallest)
    fonts, smallest_fonts = font_file_sizes(streams), font_file_sizes(streams_of(smallest))
    assert len(fonts) == len(smallest_fonts) > 0 and sum(fonts) <= 1.01 * sum(smallest_fonts)


def streams_of(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """Each stream's dictionary and data."""
    return re.findall(rb"<<([^>]*?)>>\nstream\n(.*?)\nendstream", pdf, re.DOTALL)


def font_file_sizes(streams: list[tuple[bytes, bytes]]) -> list[int]:
    return [len(data) for extra, data in streams if b"/Length1" in extra or b"/OpenType" in extra]


def test_html_in_printed_values_is_escaped_not_interpreted() -> None:
    hostile = make_view("insured", False).model_copy(
        update={"applicant_name": '<img src="file:///etc/passwd"> Aïcha & Co'}
    )
    html = render_html(hostile)
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt; Aïcha &amp; Co" in html
    assert '<img src="file:///etc/passwd"> Aïcha & Co' in flowing_text(render_pdf(hostile))


def test_characters_xml_cannot_hold_are_left_out_of_the_page_and_the_receipt_still_renders() -> None:
    odd = make_view("insured", False).model_copy(update={"applicant_name": "Aïcha\x01 Ben\x1f\ud800nani\uffff"})
    assert "Aïcha Bennani" in flowing_text(render_pdf(odd))


def test_the_template_environment_refuses_undefined_names() -> None:
    with pytest.raises(UndefinedError):
        jinja_environment().from_string("{{ view.not_a_field }}").render(view=make_view("insured", False))


def test_the_standalone_html_needs_no_other_file() -> None:
    html = render_html(make_view("insured", True))
    assert "<style>" in html and "@page" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'src="emblem.svg"' in render_html(make_view("insured", True), standalone=False)


def test_a_view_rejects_a_registration_number_that_is_not_nine_digits() -> None:
    fields = make_view("insured", False).model_dump()
    with pytest.raises(ValueError):
        ReceiptView(**{**fields, "registration_number": "12345678"})
    with pytest.raises(ValueError):
        ReceiptView(**{**fields, "claimant_type": "employer"})
