"""The receipt's QR code: the faster steps agree with segno's own, and the modules are drawn where they are."""

import io
import random
import string

import pytest
import segno
from pypdf import PdfReader
from segno import encoder

from services.receipts.rendering import qr
from services.receipts.rendering.render import render_pdf
from services.receipts.rendering.samples import sample_view

from .pdf_tools import decoded_qr_codes, page_png

URL_CHARACTERS = string.ascii_letters + string.digits + "-_.:/?="


def contents() -> list[str]:
    generator = random.Random(14)
    made = ["".join(generator.choice(URL_CHARACTERS) for _ in range(generator.randint(1, 900))) for _ in range(150)]
    return made + [sample_view(reference=f"RCS-2026-{index:06d}").verification_url for index in range(10)]


FASTER_STEPS = {  # segno's function: (ours, segno's own)
    "find_and_apply_best_mask": (qr.find_best_mask, qr.segno_find_and_apply_best_mask),
    "make_final_message": (qr.make_final_message, qr.segno_make_final_message),
    "add_codewords": (qr.add_codewords, qr.segno_add_codewords),
}


def test_segno_uses_the_faster_steps():
    assert {name: getattr(encoder, name) for name in FASTER_STEPS} == {
        name: ours for name, (ours, _) in FASTER_STEPS.items()
    }


@pytest.mark.parametrize("step", FASTER_STEPS)
def test_each_faster_step_gives_segnos_symbol(monkeypatch, step):
    """With only `step` segno's own, then with all three: the same symbols, every version of those contents and
    every mask among them."""
    ours = [segno.make(content, error="m", micro=False) for content in contents()]
    monkeypatch.setattr(encoder, step, FASTER_STEPS[step][1])
    one_of_segnos = [segno.make(content, error="m", micro=False) for content in contents()]
    for name, (_, segnos_own) in FASTER_STEPS.items():
        monkeypatch.setattr(encoder, name, segnos_own)
    segnos = [segno.make(content, error="m", micro=False) for content in contents()]
    assert {symbol.version for symbol in segnos} >= {1, 2, 7, 14, 21}  # each count of remainder bits
    assert len({symbol.mask for symbol in segnos}) == 8
    expected = [(symbol.mask, symbol.matrix) for symbol in segnos]
    assert [(symbol.mask, symbol.matrix) for symbol in ours] == expected
    assert [(symbol.mask, symbol.matrix) for symbol in one_of_segnos] == expected


def test_other_error_levels_and_micro_symbols_are_segnos(monkeypatch):
    """Micro QR Codes (which the receipt never makes) are left to segno's own steps; other error levels take ours."""
    made = [(content, error) for content in ("1", "TAAWIDATY", "x" * 30, "é" * 200) for error in "lmqh"]
    ours = [segno.make(content, error=error).matrix for content, error in made]
    for name, (_, segnos_own) in FASTER_STEPS.items():
        monkeypatch.setattr(encoder, name, segnos_own)
    assert [segno.make(content, error=error).matrix for content, error in made] == ours


@pytest.mark.parametrize("size", [21, 25, 69])
def test_the_penalty_is_segnos_score(size):
    generator = random.Random(size)
    for dark_share in (0.0, 0.1, 0.5, 0.7, 1.0):
        rows = [bytes(int(generator.random() < dark_share) for _ in range(size)) for _ in range(size)]
        rows[3] = b"\x00" * 4 + b"\x01\x00\x01\x01\x01\x00\x01" + rows[3][11:]  # a finder-like pattern
        assert qr.penalty(rows) == encoder.evaluate_mask([bytearray(row) for row in rows], size, size)


def test_the_penalty_of_a_light_symbol():
    rows = [bytes(21)] * 21
    # 42 lines of 21 alike (21 - 2 each), 20 × 20 light 2×2 blocks (3 each), 0 % dark (10 per 5 % from half)
    assert qr.penalty(rows) == 42 * 19 + 400 * 3 + 100


def test_the_drawing_has_one_line_per_run_of_dark_modules_inside_the_quiet_zone():
    light = bytearray(4)
    matrix = (bytearray(b"\x01\x01\x00\x01"), light, bytearray(b"\x00\x01\x01\x01"), light)
    operators = qr.pdf_path(matrix, x=10, y=20, side=16).decode("ascii")
    assert operators == (
        "q 2.000000 0 0 2.000000 10.000000 20.000000 cm 0 G 1 w 0 J 2 2.5 m 4 2.5 l 5 2.5 m 6 2.5 l 3 4.5 m 6 4.5 l S Q"
    )


def test_the_qr_code_is_drawn_on_the_page_its_place_falls_on():
    view = sample_view()
    many = view.model_copy(update={"documents": view.documents * 12})  # the verification block moves to page 2
    pdf = render_pdf(many)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == 2
    assert decoded_qr_codes(page_png(pdf, "qr-on-page-2", resolution=150, page=2)) == [many.verification_url]
    assert decoded_qr_codes(page_png(pdf, "qr-not-on-page-1", resolution=150, page=1)) == []
