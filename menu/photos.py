"""Dish photos: checked and cleaned on upload, stored once, served resized for phones.

On disk, under ``settings.var_dir``::

    photos/originals/<dish_id>.<jpg|png|webp>        the upload, cleaned (see ``prepare``)
    photos/cache/<dish_id>-<token>-<width>.webp      each served width, made on first request

``Dish.image`` holds the photo's *token*: the first 12 hex digits of the SHA-256 of the
stored original. Photo URLs carry it (``?v=<token>``), so a new photo gets new URLs and the
old ones can be cached by phones for ever. The cache files are named by the token of the
bytes they were made from, so a cache file always shows the original its name says.

This module checks uploads, stores photos and serves their sizes; the image work itself
(orientation, sRGB, sizes, WebP) is in ``menu/photo_images.py`` and the demo restaurant's
drawn photos in ``menu/demo_photos.py``. It imports no Flask (``menu.services`` calls
``url_template``); the HTTP routes are in ``menu/photo_views.py``.
"""
from __future__ import annotations

import io
import os
import uuid
import warnings
from pathlib import Path

from PIL import Image

from core.database import after_commit
from core.errors import DomainError, NotFound
from menu.model import Dish
from menu.photo_images import EXTENSIONS, Photo, clean, render_variant, token_of
from menu.photo_images import fit_width  # noqa: F401  (re-exported: callers use photos.fit_width)

WIDTHS = (160, 320, 480, 960)  # the only widths served (CSS px x device pixel ratio of phones)
THUMB_WIDTHS = (160, 320)  # the menu's 64 px thumbnails at DPR 2-3 (and 1)
HERO_WIDTHS = (480, 960)  # the dish dialog's picture, up to ~560 px wide
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}  # Content-Type -> Pillow format


def _refused(message: str, code: str, status: int, **details) -> DomainError:
    return DomainError(message, code=code, status=status, details=details or None)


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


# --- Uploads ---------------------------------------------------------------------------

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


def prepare(data: bytes, content_type: str | None) -> Photo:
    """An upload, checked (see ``decode``) and cleaned (see ``clean``)."""
    img = decode(data, content_type)
    try:
        return clean(img, img.format)
    except Exception:  # e.g. EXIF data that cannot be parsed: still the uploader's file
        raise _refused("The image's metadata is damaged.", "bad_photo", 422) from None


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


def attach_photos(ctx, photos: dict[int, Photo]) -> None:
    """Give dishes photos already cleaned (see ``menu.photo_images.clean``), all in one
    write transaction, stored as an upload is."""
    store = store_of(ctx)
    with ctx.db.write() as s:
        for dish_id, photo in photos.items():
            _attach(ctx, s, store, _dish(s, dish_id), photo)


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
