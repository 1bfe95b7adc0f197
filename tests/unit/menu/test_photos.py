"""Dish photos without a server: checking and cleaning uploads, resizing, the URLs."""
import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from core.errors import DomainError
from menu import demo_photos, photos


def encode(img: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def jpeg(w: int, h: int, color=(200, 120, 40), **options) -> bytes:
    return encode(Image.new("RGB", (w, h), color), "JPEG", **options)


def opened(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def refused(data: bytes, content_type: str = "image/jpeg") -> DomainError:
    with pytest.raises(DomainError) as e:
        photos.prepare(data, content_type)
    return e.value


# --- Sizes -----------------------------------------------------------------------------

@pytest.mark.parametrize("size,width,expected", [
    ((4000, 3000), 160, (160, 120)),
    ((4000, 3000), 960, (960, 720)),
    ((3000, 4000), 480, (480, 640)),  # portrait: the width is what is limited
    ((1000, 10), 160, (160, 2)),
    ((5000, 1), 160, (160, 1)),  # never zero pixels high
    ((300, 200), 480, (300, 200)),  # never enlarged
    ((480, 360), 480, (480, 360)),
])
def test_fit_width_keeps_the_aspect_and_never_enlarges(size, width, expected):
    assert photos.fit_width(size, width) == expected


@pytest.mark.parametrize("width", photos.WIDTHS)
def test_each_served_width_is_webp_of_that_width(width):
    original = photos.prepare(jpeg(1600, 1200), "image/jpeg").data
    img = opened(photos.render_variant(original, width))
    assert img.format == "WEBP" and img.size == (width, width * 3 // 4)


def test_a_small_original_is_served_at_its_own_size():
    original = photos.prepare(encode(Image.new("RGB", (300, 200), "teal"), "PNG"), "image/png").data
    sizes = [opened(photos.render_variant(original, width)).size for width in photos.WIDTHS]
    assert sizes == [(160, 107), (300, 200), (300, 200), (300, 200)]


def test_the_served_widths_are_the_fixed_set():
    assert photos.WIDTHS == (160, 320, 480, 960)
    assert set(photos.THUMB_WIDTHS + photos.HERO_WIDTHS) == set(photos.WIDTHS)


def test_resizing_keeps_the_picture():
    img = Image.new("RGB", (800, 400), (220, 30, 30))
    img.paste((30, 30, 220), (400, 0, 800, 400))  # left red, right blue
    small = opened(photos.render_variant(photos.prepare(encode(img, "PNG"), "image/png").data, 160)).convert("RGB")
    assert small.size == (160, 80)
    r, _, b = small.getpixel((20, 40))
    assert r > 180 and b < 80
    r, _, b = small.getpixel((140, 40))
    assert b > 180 and r < 80


def test_transparency_survives_into_webp():
    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    img.paste((255, 0, 0, 255), (100, 100, 300, 300))
    photo = photos.prepare(encode(img, "PNG"), "image/png")
    assert photo.ext == "png"
    small = opened(photos.render_variant(photo.data, 160))
    assert small.mode == "RGBA" and small.getpixel((5, 5))[3] == 0 and small.getpixel((80, 80))[3] == 255


def test_palette_and_cmyk_images_are_stored_as_rgb():
    pal = Image.new("P", (50, 40), 3)
    assert opened(photos.prepare(encode(pal, "PNG"), "image/png").data).mode == "RGB"
    cmyk = Image.new("CMYK", (50, 40), (0, 255, 255, 0))
    photo = photos.prepare(encode(cmyk, "JPEG"), "image/jpeg")
    img = opened(photo.data)
    assert photo.ext == "jpg" and img.mode == "RGB"
    r, g, b = img.getpixel((10, 10))
    assert r > 200 and g < 60 and b < 60


# --- Cleaning --------------------------------------------------------------------------

def _sideways_photo(orientation: int) -> bytes:
    """Stored 400 x 200, left half red, right half blue, with this EXIF orientation."""
    img = Image.new("RGB", (400, 200), (230, 20, 20))
    img.paste((20, 20, 230), (200, 0, 400, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(img, "JPEG", exif=exif.tobytes(), quality=95)


def test_exif_orientation_is_applied_and_removed():
    # 6: the camera was turned; shown turned 90 degrees clockwise, the left half is on top.
    photo = photos.prepare(_sideways_photo(6), "image/jpeg")
    img = opened(photo.data)
    assert (photo.width, photo.height) == img.size == (200, 400)
    assert 0x0112 not in img.getexif()
    top, bottom = img.getpixel((100, 50)), img.getpixel((100, 350))
    assert top[0] > 180 and top[2] < 80
    assert bottom[2] > 180 and bottom[0] < 80
    small = opened(photos.render_variant(photo.data, 160))
    assert small.size == (160, 320)


def test_an_upright_photo_keeps_its_shape():
    assert opened(photos.prepare(_sideways_photo(1), "image/jpeg").data).size == (400, 200)


def test_metadata_is_stripped_from_the_original_and_the_sizes():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x8825] = {1: "N", 2: (22.0, 16.0, 40.0)}  # GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg(800, 600, exif=exif.tobytes(), icc_profile=icc, comment=b"taken at home")
    assert {"exif", "icc_profile", "comment"} <= set(opened(data).info)
    photo = photos.prepare(data, "image/jpeg")
    for stored in (photo.data, photos.render_variant(photo.data, 320)):
        img = opened(stored)
        assert not set(img.info) & {"exif", "icc_profile", "comment", "xmp"}
        assert len(img.getexif()) == 0
    assert b"PhoneMaker" not in photo.data and b"taken at home" not in photo.data


def test_png_text_chunks_are_stripped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Somebody")
    photo = photos.prepare(encode(Image.new("RGB", (100, 100), "white"), "PNG", pnginfo=info), "image/png")
    assert "Author" not in opened(photo.data).info and b"Somebody" not in photo.data


def test_the_token_is_the_start_of_the_stored_bytes_sha256():
    photo = photos.prepare(jpeg(100, 100), "image/jpeg")
    assert len(photo.token) == 12 and int(photo.token, 16) >= 0
    assert photo.token == photos.token_of(photo.data)
    assert photos.prepare(jpeg(100, 100), "image/jpeg").token == photo.token  # the same upload, the same token
    assert photos.prepare(jpeg(100, 100, (0, 0, 0)), "image/jpeg").token != photo.token


def test_webp_uploads_are_accepted():
    photo = photos.prepare(encode(Image.new("RGB", (100, 80), "green"), "WEBP"), "image/webp")
    assert photo.ext == "webp" and opened(photo.data).size == (100, 80)


# --- Refusals --------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"",
    b"not an image at all",
    b"\xff\xd8\xff\xe0" + b"\x00" * 100,  # a JPEG's first bytes, then nothing
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
])
def test_bytes_that_are_no_image_are_refused(data):
    err = refused(data)
    assert (err.status, err.code) == (422, "bad_photo")


def test_a_cut_short_image_is_refused():
    err = refused(jpeg(800, 600)[:3000])
    assert (err.status, err.code) == (422, "bad_photo")
    png = encode(Image.effect_noise((300, 300), 50).convert("RGB"), "PNG")
    assert refused(png[: len(png) // 2], "image/png").code == "bad_photo"


def test_other_image_formats_are_refused():
    err = refused(encode(Image.new("RGB", (10, 10)), "GIF"), "image/png")
    assert (err.status, err.code) == (422, "bad_photo") and err.details["format"] == "GIF"


@pytest.mark.parametrize("content_type", [None, "", "image/gif", "application/octet-stream", "text/plain"])
def test_other_content_types_are_refused(content_type):
    err = refused(jpeg(10, 10), content_type)
    assert (err.status, err.code) == (415, "unsupported_photo_type")


def test_the_content_type_may_carry_parameters():
    assert photos.prepare(jpeg(10, 10), "Image/JPEG; name=x.jpg").ext == "jpg"


def test_too_many_bytes_are_refused(monkeypatch):
    data = jpeg(200, 200)
    monkeypatch.setattr(photos, "MAX_BYTES", len(data) - 1)
    err = refused(data)
    assert (err.status, err.code) == (413, "photo_too_large") and err.details["bytes"] == len(data)


def test_too_many_pixels_are_refused_before_decoding(monkeypatch):
    png = encode(Image.new("RGB", (200, 100)), "PNG")
    monkeypatch.setattr(photos, "MAX_PIXELS", 200 * 100 - 1)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    err = refused(png, "image/png")
    assert (err.status, err.code) == (413, "photo_too_large")
    assert err.details == {"width": 200, "height": 100, "max_pixels": 200 * 100 - 1}


def _png_header_only(w: int, h: int) -> bytes:
    """A PNG that claims w x h pixels (of one bit) and holds a few bytes of them."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("w,h", [(8000, 6000), (12000, 10000), (20000, 10000), (65535, 65535)])
def test_a_decompression_bomb_is_refused(w, h):
    # 48 MP (over our limit), 120 MP (over Pillow's warning), 200 MP and 4 GP (Pillow refuses to open)
    err = refused(_png_header_only(w, h), "image/png")
    assert (err.status, err.code) == (413, "photo_too_large")


def test_the_limits():
    assert photos.MAX_BYTES == 10 * 1024 * 1024 and photos.MAX_PIXELS == 40_000_000


# --- URLs ------------------------------------------------------------------------------

def test_image_urls():
    assert photos.image_urls(7, None) is None
    assert photos.image_urls(7, "") is None
    base = "/photos/dishes/7/"
    assert photos.image_urls(7, "0123456789ab") == {
        "thumb": base + "160.webp?v=0123456789ab",
        "thumb_srcset": f"{base}160.webp?v=0123456789ab 160w, {base}320.webp?v=0123456789ab 320w",
        "hero": base + "480.webp?v=0123456789ab",
        "hero_srcset": f"{base}480.webp?v=0123456789ab 480w, {base}960.webp?v=0123456789ab 960w",
    }


# --- Demo pictures ---------------------------------------------------------------------

@pytest.mark.parametrize("names,expected", [
    ({"zh-Hant": "宮保雞丁", "en": "Kung Pao Chicken"}, "宮"),
    ({"en": "Milk tea", "zh-Hant": "港式奶茶"}, "港"),
    ({"zh-Hant": "XO醬炒飯", "en": "XO fried rice"}, "醬"),
    ({"en": "lemonade"}, "L"),
    ({}, "?"),
])
def test_the_demo_picture_shows_the_first_chinese_character(names, expected):
    assert demo_photos._initial(names, ("zh-Hant", "en")) == expected
