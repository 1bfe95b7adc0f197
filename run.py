#!/usr/bin/env python3
"""The one entry point of the restaurant server.

    python run.py serve              migrate, create the demo restaurant if empty, serve
    python run.py demo               the same, plus a virtual printer for each loopback printer
    python run.py migrate            apply database migrations
    python run.py qr-sheet [-o F]    write a PDF of every table's QR code
    python run.py backup [--list]    a consistent copy of the SQLite database, while the server runs
    python run.py restore FILE       replace the database with a checked backup (server stopped)
    python run.py virtual-printer    a stand-in ESC/POS network printer that saves what it receives
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from core.backup import BackupError
from core.settings import ConfigError, load_settings

log = logging.getLogger("run")


class StartupError(Exception):
    """A start-up problem said in one line: the path and the cause."""


def _writable(settings) -> None:
    """var_dir and the SQLite database must be writable by this user: say which is not."""
    import tempfile
    from core.database import sqlite_path

    var = settings.var_dir
    try:
        var.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=var).close()
    except OSError as e:
        raise StartupError(f"var_dir {var}: {e.strerror or e} (the server keeps its secret, photos, "
                           "printed jobs and caches there)") from None
    db = sqlite_path(settings.database.url)
    if db is not None:
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StartupError(f"database folder {db.parent}: {e.strerror or e}") from None
        if db.exists() and db.stat().st_size == 0:  # a new database is made by migrate, never a 0-byte file
            raise StartupError(f"database {db}: the file is empty (0 bytes), so its data is gone: run.py restore "
                               "FILE puts a backup in its place; delete the file to start a new restaurant")
        if db.exists() and not os.access(db, os.R_OK | os.W_OK):
            raise StartupError(f"database {db}: read-only for this user (orders could not be saved)")
        if not os.access(db.parent, os.W_OK):
            raise StartupError(f"database folder {db.parent}: read-only for this user (SQLite writes its "
                               "journal beside the database)")
    # Every cache under var_dir: escpos keeps its capabilities pickle here (printers.render).
    os.environ.setdefault("POS_VAR_DIR", str(var))
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(var / "escpos-cache"))


def _migrate(settings) -> None:
    from sqlalchemy.exc import DatabaseError, OperationalError
    from core.migrate import upgrade
    try:
        upgrade(settings.database.url)
    except (OperationalError, DatabaseError) as e:  # locked, unreachable, damaged, or not a database at all
        from core.database import sqlite_path
        damaged = any(w in str(e) for w in ("not a database", "malformed"))
        raise StartupError(f"database {sqlite_path(settings.database.url) or settings.database.url}: "
                           f"{getattr(e, 'orig', None) or e}"
                           + (" (run.py restore FILE puts a backup in its place)" if damaged else "")) from None


def _prepare(settings):
    """Migrate, then create the demo restaurant on an empty database."""
    from core.clock import SystemClock
    from core.context import Context
    from core.database import Database
    from app.demo import is_empty, seed_demo
    from core.realtime import Realtime
    from core.settings import secret_key
    from menu.demo_photos import seed_demo_photos_apart
    from printers.render import FontNotFound, check_font, check_profile

    try:
        check_font(settings.printing.font_path, settings.printing.font_index)
    except FontNotFound as e:
        raise ConfigError(f"printing.font_path: {e}") from None
    for i, p in enumerate(settings.printers):
        try:
            check_profile(p.profile)
        except ValueError as e:
            raise ConfigError(f"printers[{i}].profile: {e}") from None
    _migrate(settings)
    db = Database(settings.database.url, settings.database.wait_s)
    ctx = Context(settings=settings, db=db, clock=SystemClock(), secret=secret_key(settings),
                  realtime=Realtime(None, SystemClock()))
    if is_empty(ctx):
        seed_demo(ctx)
        if seed_demo_photos_apart(settings):
            log.warning("the demo's dish photos could not be drawn; the menu shows none")
        log.info("created the demo restaurant")
    from menu.services import stations_in_use
    unknown = stations_in_use(ctx) - set(settings.station_names)
    if unknown:
        raise ConfigError(f"stations: dishes are cooked at {', '.join(sorted(unknown))}, "
                          "which config.toml does not define as [[stations]]")
    return db


def _in_child(fn) -> None:
    """Run fn in a forked child and wait for it, so that this process (gunicorn's arbiter,
    which only watches its worker) never holds what fn imports and allocates: migrations
    and the demo restaurant load the whole application. A failure exits as it would here."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            fn()
            code = 0
        except (ConfigError, StartupError, BackupError) as e:
            code = _say(e)
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    try:
        status = os.waitpid(pid, 0)[1]
    except KeyboardInterrupt:  # Ctrl-C reached both: the child stops quietly, and so does this
        status = os.waitpid(pid, 0)[1]
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise SystemExit(128 - code if code < 0 else code)  # killed by signal n: 128 + n, as a shell says


def cmd_serve(args, settings, virtual_printers: bool = False) -> None:
    """Serve with gunicorn (app.server): the app, its print workers and its scheduler are
    made in gunicorn's worker process; the virtual printers run beside it in this one."""
    from app.server import serve

    _in_child(lambda: _prepare(settings).dispose())  # the arbiter stays small; the worker opens its own connections
    printers = _virtual_printers(settings) if virtual_printers else []
    running = {}

    def make():
        from app.factory import create_app
        from app.scheduler import start_scheduler
        from printers.worker import start_workers
        app = create_app(settings, message_queue=args.message_queue)
        start_workers(app.extensions["pos_ctx"])
        running["scheduler"] = start_scheduler(app.extensions["pos_ctx"])
        return app

    def stop():
        from app.scheduler import stop_scheduler
        if running.get("scheduler"):
            stop_scheduler(running.pop("scheduler"))

    s = settings.server
    shown = "127.0.0.1" if s.host in ("0.0.0.0", "::") else s.host
    print(f" * {settings.restaurant.name}: open http://{shown}:{s.port}/ (listening on {s.host}:{s.port}; "
          f"QR links use {s.public_base_url})", flush=True)
    try:
        serve(settings, make, stop)
    finally:
        for vp in printers:
            vp.stop()


def _virtual_printers(settings) -> list:
    from printers.virtual import VirtualPrinter
    printers = []
    for p in settings.printers:
        if p.host in ("127.0.0.1", "localhost"):
            out = settings.var_dir / "printed" / p.name
            chinese = p.text_mode if p.text_mode != "raster" else "gb18030"  # the font ROM it stands in for
            printers.append(VirtualPrinter(p.host, p.port, out_dir=out, chinese=chinese).start())
            log.info("virtual printer %s on %s:%s saving to %s", p.name, p.host, p.port, out)
    return printers


def cmd_migrate(args, settings) -> None:
    _migrate(settings)
    print("database is at the latest revision")


def cmd_qr_sheet(args, settings) -> None:
    from app.factory import create_app
    from pos.orders import qr
    from pos.orders.visits import current_visits

    _prepare(settings)
    ctx = create_app(settings).extensions["pos_ctx"]
    tables = current_visits(ctx)
    out = Path(args.output)
    pages = qr.sheet_pdf(tables, out, title=settings.restaurant.name, font_path=settings.printing.font_path,
                         font_index=settings.printing.font_index)
    print(f"wrote {out} ({len(tables)} tables on {pages} page(s)) linking to {settings.server.public_base_url}")


def _sqlite_file(settings, what: str) -> Path:
    from core.database import sqlite_path
    path = sqlite_path(settings.database.url)
    if path is None:
        raise BackupError(f"the database is PostgreSQL: {what} with pg_dump / pg_restore (README, Backups)")
    return path


def _local(info, settings) -> str:
    """The backup's newest order in the restaurant's time, as its file name is."""
    from datetime import datetime, timezone
    if not info.last_order_at:
        return "-"
    try:
        at = datetime.fromisoformat(info.last_order_at).replace(tzinfo=timezone.utc)
    except ValueError:
        return info.last_order_at
    return at.astimezone(settings.restaurant.tz).strftime("%Y-%m-%d %H:%M")


def cmd_backup(args, settings) -> None:
    from datetime import datetime
    from core import backup
    from core.migrate import known_revisions

    path = _sqlite_file(settings, "back it up")
    folder = Path(args.output) if args.output else settings.backup_folder
    if args.list:
        if not folder.is_dir():
            raise BackupError(f"backup folder {folder}: it does not exist (is the drive plugged in?)")
        found = backup.backups(folder)
        for p in found:
            try:
                info = backup.inspect(p, known_revisions())
                print(f"{p}  {info.bytes / 1e6:.1f} MB  {info.orders} orders, newest {_local(info, settings)}")
            except backup.BackupError as e:
                print(f"{p}  NOT USABLE: {e}")
        print(f"{len(found)} backup(s) in {folder}")
        return
    info = backup.take(path, folder, datetime.now(settings.restaurant.tz), known_revisions(), settings.database.wait_s,
                       manual=True, create_folder=folder.resolve().is_relative_to(settings.var_dir.resolve()))
    print(f"backed up {path} to {info.path} ({info.bytes / 1e6:.1f} MB, {info.orders} orders, "
          f"newest {_local(info, settings)}), checked")


def cmd_restore(args, settings) -> None:
    from datetime import datetime
    from app.scheduler import scheduler_running
    from core import backup
    from core.migrate import known_revisions

    path = _sqlite_file(settings, "restore it")
    if scheduler_running(settings.var_dir):
        raise BackupError(f"a server is running on {path} (it holds {settings.var_dir / 'scheduler.lock'}): "
                                 "stop it, then restore")
    info, kept = backup.restore(Path(args.file), path, datetime.now(settings.restaurant.tz), known_revisions())
    _migrate(settings)  # a backup of an older version is brought up to this version's schema
    print(f"restored {args.file} into {path} ({info.orders} orders, newest {_local(info, settings)}; orders "
          "taken after the backup are not in it)"
          + (f"; the database it replaced is kept as {kept}" if kept else ""))


def cmd_virtual_printer(args, settings) -> None:
    from printers import virtual
    virtual.main(["--host", args.host, "--port", str(args.port), "--chinese", args.chinese]
                 + (["--out", args.out] if args.out else []))


def main(argv: list[str] | None = None) -> int:
    config_help = "path of config.toml (default: POS_CONFIG or ./config.toml)"
    # --config goes before or after the command: the command's own copy only counts when given.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help=config_help)
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--config", help=config_help)
    sub = parser.add_subparsers(dest="command")
    for name in ("serve", "demo"):
        p = sub.add_parser(name, parents=[common])
        p.add_argument("--message-queue", help="redis:// URL when running several server processes")
    sub.add_parser("migrate", parents=[common])
    p = sub.add_parser("qr-sheet", parents=[common])
    p.add_argument("-o", "--output", default="qr-sheet.pdf")
    p = sub.add_parser("backup", parents=[common])
    p.add_argument("-o", "--output", metavar="FOLDER", help="folder to write it to (default: [backup] folder)")
    p.add_argument("--list", action="store_true", help="list the backups in the folder, checked, instead")
    p = sub.add_parser("restore", parents=[common])
    p.add_argument("file", help="a backup file (restaurant-YYYYMMDD-HHMMSS.db)")
    p = sub.add_parser("virtual-printer", parents=[common])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9100)
    p.add_argument("--out", help="folder to save received jobs in")
    p.add_argument("--chinese", choices=("gb18030", "big5"), default="gb18030",
                   help="the Chinese font ROM it stands in for (decodes FS & spans)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # seven lines of set-up on every start
    command = args.command or "serve"
    if command == "serve" and not hasattr(args, "message_queue"):
        args.message_queue = None
    try:
        settings = load_settings(args.config)
    except ConfigError as e:
        return _say(e)
    try:
        if command != "virtual-printer":
            _writable(settings)
        {"serve": cmd_serve, "migrate": cmd_migrate, "qr-sheet": cmd_qr_sheet, "backup": cmd_backup,
         "restore": cmd_restore, "virtual-printer": cmd_virtual_printer,
         }.get(command, lambda a, s: cmd_serve(a, s, True))(args, settings)
    except (ConfigError, StartupError, BackupError) as e:
        return _say(e, command)
    return 0


def _say(e: Exception, command: str = "serve") -> int:
    """One clear message for a problem the user can fix; the exit code."""
    if isinstance(e, ConfigError):
        print(f"configuration error:\n{e}", file=sys.stderr)
        return 2
    if isinstance(e, StartupError):
        print(f"cannot start: {e}", file=sys.stderr)
        return 2
    print(f"{command} failed: {e}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
