"""The receipt's QR code: segno's symbol, its mask chosen faster, drawn straight into the PDF page.

segno chooses the mask by scoring eight masked copies of the matrix module by module in Python, about 17 ms for
the receipt's version 13 symbol. ``find_best_mask`` scores the same copies with integer operations on whole lines
and on the whole matrix at once, with segno's own rules, so it picks the same mask and returns the same matrix;
tests/unit/receipts/test_receipt_qr.py checks that against segno's function. Drawing the modules straight into the
PDF (one line per run of dark modules, as segno's SVG path has them) spares WeasyPrint parsing an SVG path of
thousands of coordinates.
"""

import re
from functools import cache

import segno
from segno import encoder

BORDER_MODULES = 2
_N3_PATTERN = b"\x01\x00\x01\x01\x01\x00\x01"  # dark, light, dark ×3, light, dark
_DARK_RUN = re.compile(rb"[^\x00]+")
_LINE_BREAK = b"\xff"  # no module has this value, so no run spans two lines
segno_find_and_apply_best_mask = encoder.find_and_apply_best_mask


def qr_code(content: str) -> segno.QRCode:
    """The receipt's QR code of ``content``: error correction M, never a Micro QR code."""
    return segno.make(content, error="m", micro=False)


def svg(content: str) -> str:
    """The QR code as an inline SVG path (a page shown in a browser); ``pdf_path`` draws the same modules."""
    return qr_code(content).svg_inline(border=BORDER_MODULES, omitsize=True, dark="#000")


def pdf_path(matrix: tuple[bytearray, ...], x: float, y: float, side: float) -> bytes:
    """PDF operators drawing the dark modules of a ``side``-wide square (quiet zone included) at ``x``, ``y``.

    Coordinates are in the page's top-down user space: ``y`` grows downwards, as WeasyPrint leaves it. Each run of
    dark modules in a row is a line one module thick, as in segno's SVG path, so the page looks as it did.
    """
    module = side / (len(matrix) + 2 * BORDER_MODULES)
    lines = [
        f"{run.start() + BORDER_MODULES} {middle} m {run.end() + BORDER_MODULES} {middle} l"
        for row, modules in enumerate(matrix)
        for middle in [row + BORDER_MODULES + 0.5]
        for run in _DARK_RUN.finditer(modules)
    ]
    transform = f"{module:.6f} 0 0 {module:.6f} {x:.6f} {y:.6f} cm"
    return f"q {transform} 0 G 1 w 0 J {' '.join(lines)} S Q".encode("ascii")


def find_best_mask(matrix, width, height, proposed_mask=None):
    """segno's ``find_and_apply_best_mask``, same arguments and result, for QR Codes without a proposed mask."""
    if proposed_mask is not None or width != height or width < 21:
        return segno_find_and_apply_best_mask(matrix, width, height, proposed_mask)
    unmasked = [int.from_bytes(row, "big") for row in matrix]
    best_score, best_pattern, best_rows = None, None, None
    for pattern, mask_rows in enumerate(_mask_rows(width)):
        rows = [(row ^ mask).to_bytes(width, "big") for row, mask in zip(unmasked, mask_rows, strict=True)]
        score = penalty(rows)
        if best_score is None or score < best_score:
            best_score, best_pattern, best_rows = score, pattern, rows
    return best_pattern, tuple(bytearray(row) for row in best_rows)


def penalty(rows: list[bytes]) -> int:
    """ISO/IEC 18004 7.8.3.1 penalty of a square matrix, exactly as segno's ``evaluate_mask`` scores it.

    Modules are bytes of 0 or 1, read as one big integer so that shifting by 8 bits compares each module with its
    neighbour, all at once.
    """
    size = len(rows)
    columns = [bytes(column) for column in zip(*rows, strict=True)]
    lines = _LINE_BREAK.join((*rows, *columns))
    line_modules = int.from_bytes(lines, "big")
    ones = _ones(len(lines))
    differ = line_modules ^ (line_modules >> 8)
    alike = (((differ | (differ >> 1)) & ones) ^ ones) & (ones >> 8)  # 1 where a module equals the one before
    fives = alike & (alike >> 8) & (alike >> 16) & (alike >> 24)  # 1 where it ends five alike in a row
    runs = (fives & ~(fives >> 8)).bit_count()
    adjacent = fives.bit_count() + 2 * runs  # each run of n ≥ 5 alike has n - 4 fives and scores n - 2
    modules = int.from_bytes(b"".join(rows), "big")
    above = modules >> (8 * size)
    unequal = (modules ^ (modules >> 8)) | (modules ^ above) | (above ^ (above >> 8))
    blocks = 3 * ((unequal ^ _ones(size * size)) & _block_ends(size)).bit_count()
    finder_like = sum(_finder_like_patterns(line, size) for line in (*rows, *columns))
    proportion = 10 * int(abs(float(modules.bit_count()) / size**2 * 100 - 50) / 5)
    return adjacent + blocks + finder_like + proportion


def _finder_like_patterns(line: bytes, size: int) -> int:
    score = 0
    index = line.find(_N3_PATTERN)
    while index != -1:
        after = index + 7
        if index in (0, size - 7) or not any(line[max(index - 4, 0) : index]) or not any(line[after : after + 4]):
            score += 40
        else:
            after = index + 4
        index = line.find(_N3_PATTERN, after)
    return score


@cache
def _ones(length: int) -> int:
    return int.from_bytes(b"\x01" * length, "big")


@cache
def _block_ends(size: int) -> int:
    """1 at each module that can end a 2×2 block (the modules above and before it included): not in the first row
    or column."""
    row = b"\x00" + b"\x01" * (size - 1)
    return int.from_bytes(bytes(size) + row * (size - 1), "big")


@cache
def _mask_rows(width: int) -> tuple[tuple[int, ...], ...]:
    """Per mask pattern, each row's XOR as an integer: the pattern's bits over the encoding region only."""
    function_matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function_matrix, width, width)
    encoder.add_alignment_patterns(function_matrix, width, width)
    function_matrix[-8][8] = 0x1
    return tuple(
        tuple(
            int.from_bytes(bytes(int(bool(function_matrix[i][j] > 0x1 and mask(i, j))) for j in range(width)), "big")
            for i in range(width)
        )
        for mask in encoder.get_data_mask_functions(False)
    )


encoder.find_and_apply_best_mask = find_best_mask
