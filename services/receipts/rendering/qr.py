"""The receipt's QR code: segno's symbol, built faster, drawn straight into the PDF page.

segno works module by module and bit by bit in Python. Three of its steps are replaced here by ones that give the
same result with integer and bytes operations (tests/unit/receipts/test_receipt_qr.py checks each against segno's):
- choosing the mask: segno scores eight masked copies of the matrix module by module, about 17 ms for the receipt's
  version 13 symbol; ``find_best_mask`` scores whole lines and the whole matrix at once, with segno's own rules;
- the final message: ``make_final_message`` divides each block by the generator polynomial a codeword at a time
  (segno: a product at a time) and turns bytes into bits at once;
- placing the codewords: ``add_codewords`` gathers each module from the matrix or the bit stream in one call, in an
  order computed once per version.
Drawing the modules straight into the PDF (one line per run of dark modules, as segno's SVG path has them) spares
WeasyPrint parsing an SVG path of thousands of coordinates.
"""

import re
from functools import cache
from itertools import chain, zip_longest
from operator import itemgetter

import segno
from segno import consts, encoder

BORDER_MODULES = 2
_N3_PATTERN = b"\x01\x00\x01\x01\x01\x00\x01"  # dark, light, dark ×3, light, dark
_DARK_RUN = re.compile(rb"[^\x00]+")
_LINE_BREAK = b"\xff"  # no module has this value, so no run spans two lines
_AS_BITS = bytes.maketrans(b"01", b"\x00\x01")
_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
segno_find_and_apply_best_mask = encoder.find_and_apply_best_mask
segno_make_final_message = encoder.make_final_message
segno_add_codewords = encoder.add_codewords


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
        f"{start + BORDER_MODULES}{move}{end + BORDER_MODULES}{draw}"
        for row, modules in enumerate(matrix)
        for move, draw in [(f" {row + BORDER_MODULES + 0.5} m ", f" {row + BORDER_MODULES + 0.5} l")]
        for start, end in map(re.Match.span, _DARK_RUN.finditer(modules))
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
    function_matrix = _before_placement(width)
    function_matrix[-8][8] = 0x1
    return tuple(
        tuple(
            int.from_bytes(bytes(int(bool(function_matrix[i][j] > 0x1 and mask(i, j))) for j in range(width)), "big")
            for i in range(width)
        )
        for mask in encoder.get_data_mask_functions(False)
    )


def make_final_message(version, error, buff):
    """segno's ``make_final_message``, same arguments and result, for QR Codes: the data codewords split in blocks,
    each block's error correction codewords, both interleaved, as bits, then the remainder bits."""
    bits = buff.getbits()
    if version < 1 or len(bits) % 8:
        return segno_make_final_message(version, error, buff)
    codewords = int(bytes(bits).translate(_AS_DIGITS), 2).to_bytes(len(bits) // 8, "big")
    data_blocks, error_blocks, start = [], [], 0
    for block_kind in consts.ECC[version][error]:
        for _ in range(block_kind.num_blocks):
            block = codewords[start : start + block_kind.num_data]
            start += block_kind.num_data
            data_blocks.append(block)
            error_blocks.append(_error_codewords(block, block_kind.num_total - block_kind.num_data))
    interleaved = bytes(
        codeword
        for blocks in (data_blocks, error_blocks)
        for codeword in chain.from_iterable(zip_longest(*blocks))
        if codeword is not None
    )
    message = f"{int.from_bytes(interleaved, 'big'):0{8 * len(interleaved)}b}".encode("ascii").translate(_AS_BITS)
    _, free = _placement(encoder.calc_matrix_size(version))
    return encoder.Buffer(message + bytes(free - len(message)))  # ISO/IEC 18004 7.6: remainder bits fill the region


def _error_codewords(block: bytes, count: int) -> bytes:
    """The remainder of the block times x^count divided by the generator polynomial of degree ``count``."""
    products, top, kept = _generator_products(count), 8 * (count - 1), (1 << 8 * count) - 1
    remainder = 0
    for codeword in block:
        factor = (remainder >> top) ^ codeword
        remainder = ((remainder << 8) & kept) ^ products[factor]
    return remainder.to_bytes(count, "big")


@cache
def _generator_products(count: int) -> tuple[int, ...]:
    """Per codeword value, the generator polynomial (without its leading term) times it, as one integer."""
    exp, log, generator = consts.GALIOS_EXP, consts.GALIOS_LOG, consts.GEN_POLY[count]
    return (0, *(int.from_bytes(bytes(exp[log[value] + g] for g in generator), "big") for value in range(1, 256)))


def add_codewords(matrix, codewords, version):
    """segno's ``add_codewords``, same arguments and effect, for QR Codes."""
    if version < 1:
        return segno_add_codewords(matrix, codewords, version)
    size, bits = len(matrix), bytes(codewords.getbits() if isinstance(codewords, encoder.Buffer) else codewords)
    gather, free = _placement(size)
    if len(bits) != free:
        return segno_add_codewords(matrix, codewords, version)
    placed = gather(b"".join(matrix) + bits)
    for index, row in enumerate(matrix):
        row[:] = bytes(placed[index * size : (index + 1) * size])
    return None


@cache
def _placement(size: int) -> tuple[itemgetter, int]:
    """For a QR Code of ``size`` modules a side: what gathers its matrix, the bit stream placed, from the matrix
    before placement followed by the bits (each module from where it comes), and how many bits it places. The
    order is ISO/IEC 18004 7.7.3's, as segno follows it: two-module columns from the right, up then down, skipping
    the timing pattern's column and every module a pattern or a reserved area holds."""
    matrix = _before_placement(size)
    sources = list(range(size * size))
    free = 0
    for right in range(size - 1, 0, -2):
        right -= 1 if right <= 6 else 0
        for vertical in range(size):
            for j in (right, right - 1):
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = size - 1 - vertical if upwards else vertical
                if matrix[i][j] == 0x2:
                    sources[i * size + j] = size * size + free
                    free += 1
    return itemgetter(*sources), free


def _before_placement(size: int) -> tuple[bytearray, ...]:
    """A QR Code's matrix as segno builds it before placing the codewords: patterns and reserved areas set, every
    module left for the codewords at 0x2."""
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    return matrix


encoder.find_and_apply_best_mask = find_best_mask
encoder.make_final_message = make_final_message
encoder.add_codewords = add_codewords
