"""Dish photos: checked and cleaned on upload, stored once, served resized for phones.

On disk, under ``settings.var_dir``::

    photos/originals/<dish_id>.<jpg|png|webp>        the upload, cleaned (see ``prepare``)
    photos/cache/<dish_id>-<token>-<width>.webp      each served width, made on first request

``Dish.image`` holds the photo's *token*: the first 12 hex digits of the SHA-256 of the
stored original. Photo URLs carry it (``?v=<token>``), so a new photo gets new URLs and the
old ones can be cached by phones for ever. The cache files are named by the token of the
bytes they were made from, so a cache file always shows the original its name says.

This module imports no Flask (``menu.services`` calls ``image_urls``); the HTTP routes
are in ``menu/photo_views.py``.
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import random
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, features
from sqlalchemy import select

from core.database import after_commit
from core.errors import DomainError, NotFound
from menu.model import Dish

WIDTHS = (160, 320, 480, 960)  # the only widths served (CSS px x device pixel ratio of phones)
THUMB_WIDTHS = (160, 320)  # the menu's 64 px thumbnails at DPR 2-3 (and 1)
HERO_WIDTHS = (480, 960)  # the dish dialog's picture, up to ~560 px wide
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}  # Content-Type -> Pillow format
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
STORE_QUALITY = 90  # re-encoding the (lossy) original once, on upload
WEBP_QUALITY = 75  # the served sizes
TOKEN_HEX = 12
DEMO_SIZE = (960, 720)  # the largest served width: bigger would only cost seeding time


def _refused(message: str, code: str, status: int, **details) -> DomainError:
    return DomainError(message, code=code, status=status, details=details or None)


def token_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:TOKEN_HEX]


def variant_url(dish_id: int, token: str, width: int | str) -> str:
    return f"/photos/dishes/{dish_id}/{width}.webp?v={token}"


def url_template(dish_id: int, token: str | None) -> str | None:
    """The dish's photo URL with "{w}" for the width (one of THUMB_WIDTHS or HERO_WIDTHS),
    or None: the compact form the menu JSON carries (the diner page fills in the widths,
    which it gets as boot["photo_widths"]), some 50 bytes a dish instead of 300."""
    return variant_url(dish_id, token, "{w}") if token else None


def image_urls(dish_id: int, token: str | None) -> dict | None:
    """The URLs of a dish's photo for the menu JSON, or None when it has none.

    ``{"thumb": "/photos/dishes/7/160.webp?v=<token>",
       "thumb_srcset": "/photos/dishes/7/160.webp?v=<token> 160w, /photos/dishes/7/320.webp?v=<token> 320w",
       "hero": "/photos/dishes/7/480.webp?v=<token>",
       "hero_srcset": "/photos/dishes/7/480.webp?v=<token> 480w, /photos/dishes/7/960.webp?v=<token> 960w"}``

    - ``thumb``: ``src`` of the list's thumbnail; ``thumb_srcset``: its ``srcset``, to use
      with ``sizes="64px"`` (the browser takes 160 w at DPR 1-2, 320 w at DPR 3);
    - ``hero``: ``src`` of the dish dialog's picture; ``hero_srcset``: its ``srcset``, with
      ``sizes`` the picture's CSS width (e.g. ``"(max-width: 560px) 100vw, 560px"``).

    Widths are the largest an image is served at: a smaller original is never enlarged.
    The URLs are relative to the server (the pages' CSP loads images only from it).
    """
    if not token:
        return None

    def srcset(widths):
        return ", ".join(f"{variant_url(dish_id, token, w)} {w}w" for w in widths)

    return {"thumb": variant_url(dish_id, token, THUMB_WIDTHS[0]), "thumb_srcset": srcset(THUMB_WIDTHS),
            "hero": variant_url(dish_id, token, HERO_WIDTHS[0]), "hero_srcset": srcset(HERO_WIDTHS)}


# --- Pure image work -------------------------------------------------------------------

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


def decode(data: bytes, content_type: str | None) -> Image.Image:
    """The uploaded image, loaded, or a DomainError: 415 for another Content-Type, 413 over
    10 MB or 40 megapixels (checked before decoding the pixels), 422 when it is not a whole
    JPEG, PNG or WebP image."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in TYPES:
        raise _refused("Send the photo as the request body with Content-Type image/jpeg, image/png or "
                       "image/webp.", "unsupported_photo_type", 415, content_type=mime or None,
                       accepted=sorted(TYPES))
    if len(data) > MAX_BYTES:
        raise _refused(f"The photo is over {MAX_BYTES // (1024 * 1024)} MB.", "photo_too_large", 413,
                       bytes=len(data), max_bytes=MAX_BYTES)
    if not data:
        raise _refused("The request body is empty: send the photo.", "bad_photo", 422)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _refused(f"The photo has over {MAX_PIXELS // 1_000_000} megapixels.", "photo_too_large", 413,
                       max_pixels=MAX_PIXELS) from None
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, SyntaxError, OSError, ...)
        raise _refused("The file is not an image that can be read.", "bad_photo", 422) from None
    if img.format not in EXTENSIONS:
        raise _refused(f"{img.format} images are not accepted: send JPEG, PNG or WebP.", "bad_photo", 422,
                       format=img.format)
    w, h = img.size
    if w * h > MAX_PIXELS:
        raise _refused(f"The photo has over {MAX_PIXELS // 1_000_000} megapixels.", "photo_too_large", 413,
                       width=w, height=h, max_pixels=MAX_PIXELS)
    try:
        img.load()
    except Exception:
        raise _refused("The image is damaged or cut short.", "bad_photo", 422) from None
    return img


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


def prepare(data: bytes, content_type: str | None) -> Photo:
    """An upload, checked (see ``decode``) and cleaned (see ``clean``)."""
    img = decode(data, content_type)
    try:
        return clean(img, img.format)
    except Exception:  # e.g. EXIF data that cannot be parsed: still the uploader's file
        raise _refused("The image's metadata is damaged.", "bad_photo", 422) from None


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


# --- Files -----------------------------------------------------------------------------

def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class PhotoStore:
    def __init__(self, var_dir: Path):
        self.root = Path(var_dir) / "photos"
        self.originals = self.root / "originals"
        self.cache = self.root / "cache"

    def original(self, dish_id: int) -> Path | None:
        for ext in EXTENSIONS.values():
            path = self.originals / f"{dish_id}.{ext}"
            if path.is_file():
                return path
        return None

    def cached(self, dish_id: int, token: str, width: int) -> Path:
        return self.cache / f"{dish_id}-{token}-{width}.webp"

    def write_original(self, dish_id: int, photo: Photo) -> Path:
        path = self.originals / f"{dish_id}.{photo.ext}"
        _write_atomically(path, photo.data)
        return path

    def remove(self, dish_id: int, keep: str | None = None) -> None:
        """Delete the dish's files except those of the photo whose token is keep: the
        originals holding other bytes, and the cached sizes made from them."""
        for ext in EXTENSIONS.values():
            path = self.originals / f"{dish_id}.{ext}"
            if path.is_file() and (keep is None or token_of(path.read_bytes()) != keep):
                path.unlink(missing_ok=True)
        for path in self.cache.glob(f"{dish_id}-*.webp"):
            if keep is None or path.name.split("-")[1] != keep:
                path.unlink(missing_ok=True)

    def variant(self, dish_id: int, token: str, width: int) -> tuple[Path, str] | None:
        """The file of the photo at this width and the token of what it shows (made and
        cached if needed), or None when the original is missing."""
        path = self.cached(dish_id, token, width)
        if path.is_file():
            return path, token
        original = self.original(dish_id)
        if original is None:
            return None
        data = original.read_bytes()
        token = token_of(data)  # normally the same; not if a new upload is landing right now
        path = self.cached(dish_id, token, width)
        if not path.is_file():
            _write_atomically(path, render_variant(data, width))
        return path, token


def store_of(ctx) -> PhotoStore:
    return PhotoStore(ctx.settings.var_dir)


# --- Use cases -------------------------------------------------------------------------

def _dish(s, dish_id: int) -> Dish:
    dish = s.get(Dish, dish_id)
    if dish is None or not dish.active:
        raise NotFound(f"There is no dish {dish_id}.", code="unknown_dish")
    return dish


def _result(dish: Dish) -> dict:
    return {"dish_id": dish.id, "image": dish.image, "urls": image_urls(dish.id, dish.image)}


def _attach(ctx, s, store: PhotoStore, dish: Dish, photo: Photo) -> None:
    """Inside a write transaction: the file is in place before the commit, the other
    extension's original and the old sizes go after it."""
    store.write_original(dish.id, photo)
    dish.image = photo.token
    dish_id = dish.id
    after_commit(s, lambda: _tidy(ctx, store, dish_id))


def _tidy(ctx, store: PhotoStore, dish_id: int) -> None:
    """After a change of photo, delete the dish's files that are not its photo now. Judged
    inside a write transaction (writes take turns), against the token committed last: two
    uploads racing each other leave the winner's file, whichever tidies first."""
    with ctx.db.write() as s:
        dish = s.get(Dish, dish_id)
        store.remove(dish_id, keep=dish.image if dish is not None else None)


def set_photo(ctx, dish_id: int, data: bytes, content_type: str | None) -> dict:
    """Give a dish a new photo (the upload's bytes). Anything refused changes nothing."""
    with ctx.db.read() as s:
        _dish(s, dish_id)
    photo = prepare(data, content_type)  # the slow part, outside the write transaction
    store = store_of(ctx)
    with ctx.db.write() as s:
        dish = _dish(s, dish_id)
        _attach(ctx, s, store, dish, photo)
        return _result(dish)


def remove_photo(ctx, dish_id: int) -> dict:
    store = store_of(ctx)
    with ctx.db.write() as s:
        dish = _dish(s, dish_id)
        dish.image = None
        after_commit(s, lambda: _tidy(ctx, store, dish_id))
        return _result(dish)


def photo_file(ctx, dish_id: int, width: int) -> tuple[Path, str]:
    """The WebP file of a dish's photo at one of WIDTHS and the token of what it shows."""
    if width not in WIDTHS:
        raise NotFound(f"Photos are served {', '.join(map(str, WIDTHS))} pixels wide.", code="unknown_size",
                       details={"widths": list(WIDTHS)})
    with ctx.db.read() as s:
        token = _dish(s, dish_id).image
    found = store_of(ctx).variant(dish_id, token, width) if token else None
    if found is None:
        raise NotFound(f"Dish {dish_id} has no photo.", code="no_photo")
    return found


# --- Demo ------------------------------------------------------------------------------

# (background, plate's food) colours, warm and light.
_PALETTE = [((244, 226, 198), (201, 94, 48)), ((220, 234, 214), (96, 140, 70)),
            ((248, 222, 214), (190, 62, 58)), ((222, 230, 242), (70, 110, 160)),
            ((246, 236, 206), (214, 152, 40)), ((236, 224, 240), (140, 86, 150))]


def _initial(names: dict, languages: tuple[str, ...]) -> str:
    """The first Chinese character of the dish's name, else its first letter."""
    texts = [names.get(lang) or "" for lang in languages] + [v for v in names.values() if v]
    for text in texts:
        for ch in text:
            if unicodedata.category(ch) == "Lo" and ord(ch) >= 0x2E80:
                return ch
    return next((ch.upper() for text in texts for ch in text if ch.isalnum()), "?")


@functools.lru_cache(maxsize=len(_PALETTE))
def _table(bg: tuple[int, int, int], size: tuple[int, int]) -> Image.Image:
    """The background: bg, darkening towards the bottom."""
    w, h = size
    ramp = Image.linear_gradient("L").resize((1, h)).resize(size, Image.Resampling.NEAREST)
    return ImageOps.colorize(ramp, bg, tuple(int(c * 0.82) for c in bg))


def demo_picture(initial: str, seed: int, font: ImageFont.FreeTypeFont, size=DEMO_SIZE) -> Image.Image:
    """A placeholder photo: a plate on a table, the dish's character in the middle."""
    w, h = size
    bg, food = _PALETTE[seed % len(_PALETTE)]
    img = _table(bg, size).copy()
    draw = ImageDraw.Draw(img)
    cx, cy, r = w // 2, h // 2, int(min(w, h) * 0.40)
    draw.ellipse((cx - r + 18, cy - r + 30, cx + r + 18, cy + r + 30), fill=tuple(int(c * 0.7) for c in bg))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 249, 245), outline=(226, 222, 214), width=10)
    inner = int(r * 0.74)
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=(240, 238, 232))
    food_r = int(r * 0.62)
    light = tuple(min(255, c + 40) for c in food)
    draw.ellipse((cx - food_r, cy - food_r, cx + food_r, cy + food_r), fill=food, outline=light, width=8)
    rng = random.Random(seed)
    for _ in range(7):  # a little garnish
        a, d = rng.uniform(0, 6.283), rng.uniform(0.35, 0.85) * food_r
        gx, gy = cx + d * math.cos(a), cy + d * math.sin(a)
        gr = rng.randint(10, 18)
        draw.ellipse((gx - gr, gy - gr, gx + gr, gy + gr), fill=tuple(int(c * 0.72) for c in food))
    draw.text((cx, cy), initial, font=font, fill=(255, 252, 245), anchor="mm", stroke_width=6,
              stroke_fill=tuple(int(c * 0.6) for c in food))
    return img


def seed_demo_photos_apart(settings) -> int:
    """seed_demo_photos in a child process of its own: the drawing (a CJK font, dozens of
    full-size pictures) takes some 20 MB that a long-running server would otherwise keep.
    Returns the child's exit code."""
    import multiprocessing
    child = multiprocessing.get_context("spawn").Process(target=_seed_demo_photos_child, args=(settings,))
    child.start()
    child.join()
    return child.exitcode


def _seed_demo_photos_child(settings) -> None:
    from core.clock import SystemClock
    from core.context import Context
    from core.database import Database
    from core.settings import secret_key
    ctx = Context(settings=settings, db=Database(settings.database.url), clock=SystemClock(),
                  secret=secret_key(settings), realtime=None)  # photos publish nothing
    seed_demo_photos(ctx)


def seed_demo_photos(ctx) -> int:
    """Give every active dish a drawn placeholder photo, stored as an upload is. Returns
    how many. The served sizes are made when first asked for."""
    settings = ctx.settings
    with ctx.db.read() as s:
        dishes = [(d.id, d.names) for d in s.scalars(select(Dish).where(Dish.active.is_(True)).order_by(Dish.id))]
    font = ImageFont.truetype(settings.printing.font_path, int(DEMO_SIZE[1] * 0.36),
                              index=settings.printing.font_index)
    langs = settings.restaurant.languages
    photos = {dish_id: clean(demo_picture(_initial(names, langs), dish_id, font), "JPEG")
              for dish_id, names in dishes}
    store = store_of(ctx)
    with ctx.db.write() as s:
        for dish_id, photo in photos.items():
            _attach(ctx, s, store, _dish(s, dish_id), photo)
    return len(photos)
