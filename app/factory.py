"""The application factory: builds the Flask app, the Socket.IO server and the
service context from settings, and registers every feature's routes and rooms."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, jsonify, render_template, request, send_file
from flask_babel import Babel
from flask_compress import Compress
from flask_socketio import SocketIO
from werkzeug.exceptions import HTTPException

from app import hooks  # noqa: F401  (connects the features' signals)
from core.api import IdConverter, api, error_response
from core.backup import health as backup_health
from core.clock import SystemClock
from core.context import Context
from core.database import Database
from core.errors import DomainError
from core.i18n import babel_locale, compile_catalogues
from core.realtime import Realtime
from core.settings import REPO_ROOT, Settings, load_settings, secret_key


SOCKET_IO_DIST = REPO_ROOT / "node_modules" / "socket.io-client" / "dist"
# The staff screens load the classic build (window.io); the diner page imports the smaller
# ES module build after its menu is drawn.
SOCKET_IO_BUILDS = ("socket.io.min.js", "socket.io.esm.min.js")


def create_app(settings: Settings | None = None, *, clock=None, db: Database | None = None,
               message_queue: str | None = None, channel: str = "restaurant") -> Flask:
    settings = settings or load_settings()
    clock = clock or SystemClock()
    secret = secret_key(settings)
    db = db or Database(settings.database.url, settings.database.wait_s)

    # The shared shell (base.html, app.css, live.js) is core's; /static serves it.
    app = Flask(__name__, static_folder=str(REPO_ROOT / "core" / "static"))
    app.secret_key = secret
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=14), MAX_CONTENT_LENGTH=256 * 1024)
    app.json.ensure_ascii = False
    # Pages' boot data (|tojson) without the spaces after , and : (a few KB on the menu).
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    # The interface's message catalogues (Flask-Babel), in the language each page chose
    # (core.i18n.negotiate, set on flask.g.lang); staff screens stay bilingual.
    translations = (settings.var_dir / "translations").resolve()  # Flask-Babel reads a relative one from app/
    compile_catalogues(translations)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    Babel(app, locale_selector=lambda: babel_locale(g.get("lang") or settings.restaurant.default_language))
    # message_queue (Redis) lets several server processes reach each other's sockets.
    socketio = SocketIO(app, async_mode="threading", message_queue=message_queue, channel=channel,
                        ping_interval=10, ping_timeout=10)
    realtime = Realtime(socketio, clock)
    ctx = Context(settings=settings, db=db, clock=clock, secret=secret, realtime=realtime)
    app.extensions["pos_ctx"] = ctx

    _register_features(app, realtime, ctx)
    _register_errors(app)
    app.after_request(_security_headers)
    _register_shell(app, settings)

    # Pages, scripts, styles and JSON go compressed (brotli, zstd or gzip, whichever the
    # browser takes): a phone on a crowded Wi-Fi downloads a third of the bytes. Files
    # (streamed) still answer a revalidation with 304 on the compressed copy's ETag.
    app.config.update(COMPRESS_MIMETYPES=["text/html", "text/css", "text/javascript", "application/javascript",
                                          "application/json", "image/svg+xml"],
                      COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=[
                          e for e in app.view_functions if e == "static" or e.endswith(".static")]
                      + ["socket_io_client", "favicon"])
    _Compress(app)
    return app


def _register_features(app: Flask, realtime: Realtime, ctx: Context) -> None:
    """Every feature's routes (blueprints) and who may join its Socket.IO rooms."""
    from kitchen.sockets import register as kitchen_rooms
    from kitchen.views import bp as kitchen_bp
    from menu.photo_views import bp as photos_bp
    from menu.views import bp as menu_bp
    from pos.diner.sockets import register as diner_rooms
    from pos.diner.views import bp as diner_bp
    from pos.till.counter_views import bp as counter_bp
    from pos.till.register_views import bp as register_bp
    from pos.till.sockets import register as till_rooms
    from pos.till.views import bp as till_bp
    from printers.views import bp as printers_bp
    from core.web import bp as core_bp
    from staff.views import bp as staff_bp

    app.url_map.converters["id"] = IdConverter
    for bp in (core_bp, staff_bp, menu_bp, photos_bp, diner_bp, till_bp, counter_bp, register_bp, kitchen_bp, printers_bp):
        app.register_blueprint(bp)
    realtime.install_handlers(ctx.db)
    kitchen_rooms(realtime, ctx)
    diner_rooms(realtime, ctx)
    till_rooms(realtime, ctx)


def _register_shell(app: Flask, settings: Settings) -> None:
    """The home page, the API document, the favicon, the health check and the Socket.IO client."""
    @app.get("/")
    def index():
        return render_template("index.html", restaurant=settings.restaurant.name,
                               stations=settings.station_names)

    @app.get("/api/openapi.json")
    def openapi():
        return jsonify(api.openapi())

    @app.get("/favicon.ico")
    def favicon():
        return send_file(REPO_ROOT / "core" / "static" / "favicon.svg", mimetype="image/svg+xml", max_age=86400)

    @app.get("/healthz")
    def healthz():
        # For a monitor: 503 with the code a change would get while the database cannot be written.
        ctx = app.extensions["pos_ctx"]
        problem = ctx.db.health()
        return jsonify({"ok": problem is None, "database": problem or "ok",
                        "backup": backup_health(ctx.settings, ctx.clock.now())}), 503 if problem else 200

    @app.get("/vendor/<name>")
    def socket_io_client(name: str):
        # Served from the npm package installed by the set-up: no CDN on a shop's LAN.
        if name not in SOCKET_IO_BUILDS:
            return jsonify({"error": {"code": "not_found", "message": "No such file."}}), 404
        return send_file(SOCKET_IO_DIST / name, mimetype="text/javascript", max_age=3600)


class _Compress(Compress):
    """Flask-Compress, except for a 206: its Content-Range counts bytes of the file as it
    is, so a byte range must go out as it is (a resumed download would be corrupted)."""

    def after_request(self, response):
        if response.status_code == 206:
            return response
        return super().after_request(response)


# Scripts only from this server: a note or a name that slips markup into a page cannot run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def _security_headers(resp):
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    return resp


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        return error_response(err)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if request.path.startswith("/api/"):
            code = (err.name or "error").lower().replace(" ", "_")
            return jsonify({"error": {"code": code, "message": err.description}}), err.code
        return err


def socketio_of(app: Flask) -> SocketIO:
    return app.extensions["socketio"]
