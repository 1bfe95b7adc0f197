"""What views share: the context of the app serving this request, and the pages' shell
(base.html, which every screen extends; its styles and scripts, app.css, live.js,
time.js, staff_page.js, are the application's /static folder)."""
from __future__ import annotations

from flask import Blueprint, current_app

from core.context import Context

bp = Blueprint("core", __name__, template_folder="templates")


def current_ctx() -> Context:
    """The context of the app serving this request (views and socket handlers)."""
    return current_app.extensions["pos_ctx"]
