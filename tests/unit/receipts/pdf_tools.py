"""Turn rendered receipts into text and images with poppler (and zbar for the QR code)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

OUTPUT_DIR = Path(__file__).resolve().parents[3] / "tests" / "output"
RTL_RUN = re.compile("\u202b([^\u202c]*)\u202c")
ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3]")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run deploy/local/setup.sh (deploy/local/system-packages.txt)")
    return path


def pdf_text(pdf: bytes, *, layout: bool) -> str:
    mode = ["-layout"] if layout else []
    result = subprocess.run(
        [_tool("pdftotext"), *mode, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def flowing_text(pdf: bytes) -> str:
    """pdftotext's reading-order text, whitespace collapsed so that wrapped French sentences read whole."""
    return " ".join(pdf_text(pdf, layout=False).split())


def rtl_runs(text: str) -> list[str]:
    """The right-to-left runs pdftotext marks with U+202B ... U+202C, each in logical order."""
    return [run.strip() for run in RTL_RUN.findall(text)]


def arabic_outside_rtl_runs(text: str) -> str:
    return "".join(ARABIC_LETTER.findall(RTL_RUN.sub("", text)))


def page_png(pdf: bytes, name: str, resolution: int = 80, page: int = 1) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    pdf_path = OUTPUT_DIR / f"{name}.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-png",
            "-r",
            str(resolution),
            "-singlefile",
            "-f",
            str(page),
            str(pdf_path),
            str(OUTPUT_DIR / name),
        ],
        check=True,
    )
    return OUTPUT_DIR / f"{name}.png"


def decoded_qr_codes(png: Path) -> list[str]:
    command = [_tool("zbarimg"), "--quiet", "--raw", str(png)]
    result = subprocess.run(command, capture_output=True, check=False)
    return result.stdout.decode("utf-8").split()
