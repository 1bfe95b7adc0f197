"""The pages' shared shell: base.html (every screen extends it). Its styles and scripts
(app.css, live.js, print.js) are the application's /static folder."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates")
