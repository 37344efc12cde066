"""The copy of an accepted scan that is filed for the agents. Pure: no I/O.

An image is decoded and written again from its pixels alone, upright (its EXIF orientation applied): whatever was
hidden after the image data (a PDF after a PNG's IEND or a JPEG's EOI, a second MPO frame, APNG frames) and every
piece of metadata (EXIF with its GPS position, XMP, PNG text chunks, JPEG comments) are left behind. Only what
keeps its look goes along: the pixel size, the mode and palette, the transparency, the ICC colour profile and the
resolution. A PDF is filed as it is.
"""

import hashlib
import io
import warnings
from dataclasses import replace

from PIL import Image, ImageCms, ImageOps, JpegImagePlugin

from services.documents.file_checks import Accepted, truncation_is_an_error

JPEG_QUALITY = 90
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


class NotReencodable(Exception):
    """The image could not be decoded or written again (it passed the content checks, so this is unexpected)."""


def reencoded(data: bytes, content_type: str, max_pixels: int) -> bytes:
    """The bytes to file for an accepted scan of this content type: images re-encoded, anything else unchanged.
    The image must declare at most `max_pixels` pixels, as in the content checks; raises NotReencodable."""
    image_format = _PIL_FORMATS.get(content_type)
    if image_format is None:
        return data
    try:
        with warnings.catch_warnings(), truncation_is_an_error():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise NotReencodable(f"the image declares {width} x {height} pixels, more than {max_pixels:,}")
                image.load()
                return _written(image, image_format)
    except NotReencodable:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise NotReencodable(f"the image declares too many pixels ({error})") from error
    except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError) as error:
        raise NotReencodable(f"the image does not re-encode ({type(error).__name__}: {error})") from error


def as_filed(result: Accepted, filed: bytes) -> Accepted:
    """The checks' result describing the filed copy, which is what agents download: its size and hash."""
    return replace(result, size=len(filed), sha256=hashlib.sha256(filed).hexdigest())


def _written(image: Image.Image, image_format: str) -> bytes:
    kept = {"icc_profile": _icc_profile(image), "dpi": _dpi(image)}
    if image_format == "PNG" and image.info.get("transparency") is not None:
        kept["transparency"] = image.info["transparency"]
    if image_format == "JPEG":
        kept |= {"quality": JPEG_QUALITY, "subsampling": JpegImagePlugin.get_sampling(image), "optimize": True}
    upright = ImageOps.exif_transpose(image)  # a new image (a copy when there is nothing to turn)
    upright.info = {}  # Pillow writes some of these by default (a JPEG's comment and XMP, a PNG's text): none
    buffer = io.BytesIO()
    upright.save(buffer, format=image_format, **{name: value for name, value in kept.items() if value is not None})
    return buffer.getvalue()


def _icc_profile(image: Image.Image) -> bytes | None:
    """The colour profile, only when it parses as one."""
    profile = image.info.get("icc_profile")
    if not profile:
        return None
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(profile))
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return None
    return profile


def _dpi(image: Image.Image) -> tuple[float, float] | None:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2 and all(isinstance(d, int | float) and 0 < d < 100_000 for d in dpi):
        return dpi
    return None
