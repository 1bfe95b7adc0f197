"""What views share: the context of the app serving this request, and the pages' shell
(base.html, which every screen extends; its styles and scripts, app.css, live.js,
time.js, staff_page.js, are the application's /static folder)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request

from core.context import Context
from core.i18n import negotiate

bp = Blueprint("core", __name__, template_folder="templates")


def current_ctx() -> Context:
    """The context of the app serving this request (views and socket handlers)."""
    return current_app.extensions["pos_ctx"]


def language(ctx: Context) -> str:
    """This request's language (core.i18n.negotiate: ?lang=, the remembered cookie, the
    phone's Accept-Language), also set as the interface language of the page it renders."""
    lang = negotiate(request.args.get("lang"), request.cookies.get("lang"), list(request.accept_languages),
                     ctx.settings.restaurant.languages)
    g.lang = lang
    return lang
