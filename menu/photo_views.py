"""Dish photos over HTTP: a manager uploads or removes one; anyone gets it at phone sizes."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, send_file

from core.api import Out, api
from core.web import current_ctx
from core.errors import DomainError
from menu import photos
from staff.auth import role_guard

bp = Blueprint("photos", __name__)
manager = role_guard("manager")
YEAR = 365 * 24 * 3600



class PhotoUrlsOut(Out):
    thumb: str
    thumb_srcset: str
    hero: str
    hero_srcset: str


class PhotoOut(Out):
    dish_id: int
    image: str | None
    urls: PhotoUrlsOut | None


@api.route(bp, "/api/menu/dishes/<id:dish_id>/photo", "PUT", guard=manager, response=PhotoOut,
           errors=(404, 413, 415, 422),
           summary="Set a dish's photo: the request body is the image itself (Content-Type image/jpeg, "
                   "image/png or image/webp; at most 10 MB and 40 megapixels)")
def put_photo(dish_id: int):
    # Only this route takes more than the app's 256 KB: raised after the guard, before reading.
    request.max_content_length = photos.MAX_BYTES
    if (request.content_length or 0) > photos.MAX_BYTES:
        raise DomainError(f"The photo is over {photos.MAX_BYTES // (1024 * 1024)} MB.",
                          code="photo_too_large", status=413,
                          details={"bytes": request.content_length, "max_bytes": photos.MAX_BYTES})
    return jsonify(photos.set_photo(current_ctx(), dish_id, request.get_data(cache=False), request.content_type))


@api.route(bp, "/api/menu/dishes/<id:dish_id>/photo", "DELETE", guard=manager, response=PhotoOut,
           errors=(404,), summary="Remove a dish's photo")
def delete_photo(dish_id: int):
    return jsonify(photos.remove_photo(current_ctx(), dish_id))


@bp.get("/photos/dishes/<id:dish_id>/<int:width>.webp")
def dish_photo(dish_id: int, width: int):
    """The photo as WebP at most width pixels wide (160, 320, 480 or 960). With ``?v=`` the
    current token, the URL is cached for a year (a new photo has new URLs); otherwise it
    is revalidated each time (ETag)."""
    path, token = photos.photo_file(current_ctx(), dish_id, width)
    current = request.args.get("v") == token
    resp = send_file(path, mimetype="image/webp", conditional=True, etag=True, max_age=YEAR if current else None)
    if current:
        resp.cache_control.immutable = True
    return resp
