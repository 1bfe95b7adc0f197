"""The demo restaurant's dish photos: a plate drawn for each dish, its name's first
character in the middle, stored as an upload is (see ``menu.photos``)."""
from __future__ import annotations

import functools
import math
import random
import unicodedata

from PIL import Image, ImageDraw, ImageFont, ImageOps
from sqlalchemy import select

from menu.model import Dish
from menu.photo_images import clean
from menu.photos import attach_photos

DEMO_SIZE = (960, 720)  # the largest served width: bigger would only cost seeding time

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
    ctx = Context(settings=settings, db=Database(settings.database.url, settings.database.wait_s), clock=SystemClock(),
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
    attach_photos(ctx, photos)
    return len(photos)
