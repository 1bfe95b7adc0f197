"""The image work on dish photos, with nothing but Pillow: an upload cleaned into the
photo that is stored (upright, sRGB, without metadata), and the WebP sizes served of it.

Checking what is uploaded, storing it and serving it are in ``menu.photos``.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, features

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # Pillow format -> file extension
STORE_QUALITY = 90  # re-encoding the (lossy) original once, on upload
WEBP_QUALITY = 75  # the served sizes
TOKEN_HEX = 12


def token_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:TOKEN_HEX]


@dataclass(frozen=True)
class Photo:
    """A cleaned photo, ready to store: upright, sRGB, without metadata."""
    data: bytes
    ext: str
    width: int
    height: int

    @property
    def token(self) -> str:
        return token_of(self.data)


def _to_srgb(img: Image.Image) -> Image.Image:
    """Apply an embedded colour profile (a phone's Display P3, a CMYK print profile), so the
    picture still looks right once the profile is dropped with the other metadata."""
    icc = img.info.get("icc_profile")
    if icc and features.check("littlecms2"):
        from PIL import ImageCms
        try:
            mode = "RGBA" if img.mode in ("RGBA", "LA", "PA") else "RGB"
            return ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                             ImageCms.createProfile("sRGB"), outputMode=mode)
        except Exception:  # an odd or broken profile: show the pixels as they are
            pass
    return img


def _plain_mode(img: Image.Image) -> Image.Image:
    if img.mode in ("RGB", "RGBA"):
        return img
    return img.convert("RGBA" if img.has_transparency_data else "RGB")


def clean(img: Image.Image, fmt: str) -> Photo:
    """Upright (EXIF orientation applied), sRGB, RGB(A), encoded once in fmt with no EXIF,
    XMP, comment or colour profile left in it."""
    img = ImageOps.exif_transpose(img)
    img = _plain_mode(_to_srgb(img))
    if fmt == "JPEG" and img.mode == "RGBA":
        img = img.convert("RGB")
    img.info.clear()  # nothing rides along into the file: Pillow copies some info keys on save
    out = io.BytesIO()
    options = {"JPEG": {"quality": STORE_QUALITY}, "PNG": {}, "WEBP": {"quality": STORE_QUALITY}}[fmt]
    img.save(out, fmt, exif=b"", **options)
    return Photo(out.getvalue(), EXTENSIONS[fmt], *img.size)


def fit_width(size: tuple[int, int], width: int) -> tuple[int, int]:
    """The size of a picture of this size shown at most width wide: aspect kept, never enlarged."""
    w, h = size
    if w <= width:
        return w, h
    return width, max(1, round(h * width / w))


def render_variant(original: bytes, width: int) -> bytes:
    """The original as WebP at most width pixels wide."""
    with Image.open(io.BytesIO(original)) as img:
        target = fit_width(img.size, width)
        if img.format == "JPEG":
            img.draft("RGB", target)  # decode at 1/2, 1/4 or 1/8 scale when that is still big enough
        small = _plain_mode(img)  # stored originals are RGB(A) already; draft keeps JPEG's RGB
        if small.size != target:
            small = small.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        small.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
        return out.getvalue()
