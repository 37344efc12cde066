"""What is filed for the agents: images re-encoded from their pixels (nothing appended, no metadata, upright),
PDFs as they are; and the verdict's size and hash describe the filed copy."""

import hashlib
import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from contracts import ClaimSubmitted, DocumentsVerified
from services.documents.adapters.antivirus import NoScanner
from services.documents.domain import verdict
from services.documents.file_checks import Accepted, Limits, check_content
from services.documents.reencoding import JPEG_QUALITY, NotReencodable, reencoded
from services.documents.use_cases import Buckets, CheckDocuments, CheckUpload
from tests.e2e.samples import pdf_scan
from tests.samples import sample_claim
from tests.unit.documents.fakes import MemoryCheckRecords, MemoryFiledUploads, MemoryStore
from tests.unit.documents.hostile_files import png_declaring

MAX_PIXELS = 50_000_000
LIMITS = Limits(max_file_bytes=1_000_000, max_pdf_pages=5, max_image_pixels=MAX_PIXELS)
CASABLANCA = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (33.0, 34.0, 23.0),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (7.0, 35.0, 23.0),
}
COMMENT = b"scanned at 12 rue des Orangers, Casablanca"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description about="owner: Fatima"/></rdf:RDF></x:xmpmeta>'
RED, BLUE = (255, 0, 0), (0, 0, 255)


def drawing(mode: str = "RGB", size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Blue with a red block in the top-left corner: where the block lands tells which way up the image is."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, 60, 40))
    return image.convert(mode)


def png_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, **options)
    return buffer.getvalue()


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types in order; fails unless the file is exactly its chunks, ending with IEND."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    position, kinds = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, body = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        kinds.append(kind)
        position += 12 + length
    assert kinds[-1] == b"IEND" and position == len(data)
    return kinds


def jpeg_markers(data: bytes) -> list[int]:
    """The markers before the image data (APPn, COM, DQT, SOF, ...), up to the start of scan."""
    assert data.startswith(b"\xff\xd8")
    position, markers = 2, []
    while True:
        assert data[position] == 0xFF
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_pdf_appended_after_a_pngs_iend_is_not_in_the_filed_copy_which_is_the_same_png():
    original = png_bytes(drawing())
    smuggled = original + pdf_scan()
    assert isinstance(check_content(smuggled, LIMITS), Accepted)  # the content checks let it through
    filed = reencoded(smuggled, "image/png", MAX_PIXELS)
    assert b"%PDF" not in filed and b"%%EOF" not in filed
    assert png_chunks(filed) == [b"IHDR", b"IDAT", b"IEND"]
    image = decoded(filed)
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (320, 240))
    assert image.tobytes() == decoded(original).tobytes()  # lossless


def test_png_text_chunks_and_exif_are_dropped():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Fatima Zahra El Amrani")
    text.add_text("Comment", "CIN BE123456", zip=True)
    text.add_itxt("Description", "منزل العائلة")
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = CASABLANCA
    filed = reencoded(png_bytes(drawing(), pnginfo=text, exif=exif.tobytes()), "image/png", MAX_PIXELS)
    assert png_chunks(filed) == [b"IHDR", b"IDAT", b"IEND"]
    assert b"Fatima" not in filed and b"BE123456" not in filed
    assert not decoded(filed).getexif()


@pytest.mark.parametrize("mode", ["L", "LA", "RGBA", "P", "I;16", "1"])
def test_a_png_keeps_its_mode_size_and_pixels(mode):
    original = drawing(mode)
    image = decoded(reencoded(png_bytes(original), "image/png", MAX_PIXELS))
    assert (image.mode, image.size) == (original.mode, original.size)
    assert image.tobytes() == original.tobytes()


def test_a_palette_pngs_colours_and_transparency_are_kept():
    original = drawing("P")
    data = png_bytes(original, transparency=original.getpixel((100, 100)))  # the blue is transparent
    image = decoded(reencoded(data, "image/png", MAX_PIXELS))
    assert image.mode == "P" and "transparency" in image.info
    rgba = image.convert("RGBA")
    assert rgba.getpixel((10, 10)) == (*RED, 255) and rgba.getpixel((100, 100))[3] == 0


def test_a_jpegs_exif_gps_xmp_and_comment_are_dropped_and_it_is_turned_upright():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored on its side: turn 90 degrees clockwise to view
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.IFD.GPSInfo] = CASABLANCA
    data = jpeg_bytes(drawing(), exif=exif.tobytes(), comment=COMMENT, xmp=XMP)
    source = decoded(data)
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo) and source.info["comment"] == COMMENT  # it had them
    filed = reencoded(data, "image/jpeg", MAX_PIXELS)
    image = decoded(filed)
    assert image.format == "JPEG" and image.size == (240, 320)  # upright: the sides swapped
    assert not image.getexif() and "comment" not in image.info and "xmp" not in image.info
    assert 0xE1 not in jpeg_markers(filed) and 0xFE not in jpeg_markers(filed)  # no APP1 (EXIF, XMP), no COM
    for secret in (b"Exif", b"Samsung", COMMENT, b"Fatima", b"xmpmeta"):
        assert secret not in filed
    # the red block, top left as stored, is top right once turned clockwise
    assert _near(image.getpixel((215, 25)), RED) and _near(image.getpixel((25, 25)), BLUE)


def test_a_jpeg_without_orientation_keeps_its_size_and_look_and_its_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = drawing()
    data = jpeg_bytes(original, icc_profile=profile, comment=COMMENT)
    image = decoded(reencoded(data, "image/jpeg", MAX_PIXELS))
    assert (image.mode, image.size) == ("RGB", (320, 240))
    assert image.info.get("icc_profile") == profile and "comment" not in image.info
    assert _near(image.getpixel((30, 20)), RED) and _near(image.getpixel((200, 150)), BLUE)


def test_a_jpeg_is_reencoded_at_high_quality():
    filed = decoded(reencoded(jpeg_bytes(drawing()), "image/jpeg", MAX_PIXELS))
    buffer = io.BytesIO()
    drawing().save(buffer, format="JPEG", quality=90)
    assert JPEG_QUALITY == 90 and filed.quantization == decoded(buffer.getvalue()).quantization


def test_bytes_appended_after_a_jpegs_eoi_are_not_in_the_filed_copy():
    smuggled = jpeg_bytes(drawing()) + pdf_scan()
    filed = reencoded(smuggled, "image/jpeg", MAX_PIXELS)
    assert b"%PDF" not in filed and filed.endswith(b"\xff\xd9")
    assert decoded(filed).size == (320, 240)


def test_a_pdf_is_filed_unchanged():
    pdf = pdf_scan(pages=2)
    assert reencoded(pdf, "application/pdf", MAX_PIXELS) == pdf


def test_an_image_declaring_more_pixels_than_the_limit_is_not_decoded():
    with pytest.raises(NotReencodable, match="more than 1,000,000"):
        reencoded(png_declaring(2000, 1000), "image/png", 1_000_000)


async def test_the_checks_of_a_claim_file_the_reencoded_copy_and_the_verdict_describes_it():
    store = MemoryStore()
    smuggled = png_bytes(drawing()) + pdf_scan()
    claim = sample_claim()
    event = ClaimSubmitted(
        claim_id="3f1c-claim",
        correlation_id="k",
        producer="claims",
        claim=claim,
        documents=(store.upload("d1", smuggled), store.upload("d2", pdf_scan(), "bank_details")),
    )
    buckets = Buckets("quarantine", "documents")
    records, uploads = MemoryCheckRecords(), MemoryFiledUploads()
    check = CheckDocuments(store, CheckUpload(NoScanner(), LIMITS), 10_000_000, buckets, records, uploads)
    outcome = verdict(event, (await check.check_scans(event)).results, "documents")
    assert isinstance(outcome, DocumentsVerified)
    filed = {key: data for key, (data, _) in store.filed().items()}
    assert b"%PDF" not in filed["3f1c-claim/d1.png"] and filed["3f1c-claim/d2.pdf"] == pdf_scan()
    for document in outcome.documents:
        data = filed[document.object_key]
        assert (document.size, document.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert outcome.documents[0].size < len(smuggled)


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
