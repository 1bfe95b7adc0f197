"""run.py as a user runs it: a subprocess with its own config file."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(tmp_path, *args, config: str | None = None, config_after: bool = False):
    cfg = tmp_path / "config.toml"
    cfg.write_text(config if config is not None else (ROOT / "config.toml").read_text())
    where = [*args, "--config", str(cfg)] if config_after else ["--config", str(cfg), *args]
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *where],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


@pytest.mark.parametrize("command", ["migrate", "serve", "qr-sheet"])
@pytest.mark.parametrize("config_after", [False, True], ids=["config-first", "config-after"])
def test_bad_config_stops_with_the_key_named(tmp_path, command, config_after):
    # --config is read before or after the command (a bad file proves which file was read).
    r = run(tmp_path, command, config='[restaurant]\ncurrency = "dollars"\n', config_after=config_after)
    assert r.returncode == 2, r.stderr
    assert "restaurant.currency" in r.stderr


@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_a_damaged_database_stops_start_up_with_one_line_pointing_at_restore(tmp_path, command):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "restaurant.db").write_bytes(b"\x00garbage, not SQLite" * 500)
    r = run(tmp_path, command)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines()[-1] == (f"cannot start: database {tmp_path}/var/restaurant.db: file is "
                                                 "not a database (run.py restore FILE puts a backup in its place)")


def test_an_empty_database_file_is_not_taken_for_a_new_restaurant(tmp_path):
    # A 0-byte file means the data is gone (a full disk, a bad copy): the demo with its PINs must not appear.
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "restaurant.db").write_bytes(b"")
    r = run(tmp_path, "serve")
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].startswith(
        f"cannot start: database {tmp_path}/var/restaurant.db: the file is empty (0 bytes), so its data is gone")


def test_backup_commands_say_what_went_wrong_in_one_line(tmp_path):
    r = run(tmp_path, "restore", str(tmp_path / "nope.db"))
    assert (r.returncode, r.stderr.strip().splitlines()[-1]) == (1, f"restore failed: {tmp_path}/nope.db: No such file or directory")
    assert run(tmp_path, "backup").stderr.strip().endswith("restaurant.db: no such file")  # nothing to back up yet
    assert run(tmp_path, "migrate").returncode == 0
    r = run(tmp_path, "backup", "-o", str(tmp_path / "media" / "usb"))
    assert r.returncode == 1 and "it does not exist (is the drive plugged in?)" in r.stderr
    assert not (tmp_path / "media").exists()


def test_missing_font_stops_start_up_with_a_clear_message(tmp_path):
    cfg = (ROOT / "config.toml").read_text().replace(
        'font_path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"', 'font_path = "/nope/font.ttc"')
    r = run(tmp_path, "serve", config=cfg)
    assert r.returncode == 2
    assert "printing.font_path" in r.stderr and "/nope/font.ttc" in r.stderr


def test_migrate_then_qr_sheet_writes_a_pdf_of_every_table(tmp_path):
    r = run(tmp_path, "migrate")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "var" / "restaurant.db").exists()
    out = tmp_path / "tables.pdf"
    r = run(tmp_path, "qr-sheet", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "12 tables on 2 page(s)" in r.stdout
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 2
    # the demo restaurant's dishes got their drawn photos (in a child process of their own)
    assert len(list((tmp_path / "var" / "photos" / "originals").glob("*.jpg"))) == 31


@pytest.mark.parametrize("argv", [["--help"], ["virtual-printer", "--help"]])
def test_help(tmp_path, argv):
    r = run(tmp_path, *argv)
    assert r.returncode == 0 and "usage" in r.stdout


def test_unknown_printer_profile_stops_start_up(tmp_path):
    cfg = (ROOT / "config.toml").read_text().replace('profile = "TM-T20II"', 'profile = "NOPE"', 1)
    r = run(tmp_path, "serve", config=cfg)
    assert r.returncode == 2 and "printers[0].profile" in r.stderr and "NOPE" in r.stderr


def test_a_station_the_menu_uses_must_be_configured(tmp_path):
    cfg = (ROOT / "config.toml").read_text().replace('name = "bar"', 'name = "drinks"')
    r = run(tmp_path, "serve", config=cfg)
    assert r.returncode == 2 and "stations" in r.stderr and "bar" in r.stderr


@pytest.fixture
def as_user(tmp_path):
    """A folder and a command prefix for a user without root's power over permissions: the
    tests run as root on CI, which writes read-only files anyway; the server runs as nobody."""
    import os
    import shutil
    import tempfile
    if os.geteuid() != 0:
        return tmp_path, []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop to another user")
    home = Path(tempfile.mkdtemp(prefix="pos-nobody-"))
    os.chmod(home, 0o755)
    os.chown(home, 65534, 65534)
    yield home, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    shutil.rmtree(home, ignore_errors=True)


def run_as(as_user, *args):
    import os
    home, prefix = as_user
    cfg = home / "config.toml"
    cfg.write_text((ROOT / "config.toml").read_text())
    env = {**os.environ, "HOME": str(home)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    return subprocess.run([*prefix, sys.executable, str(ROOT / "run.py"), *args, "--config", str(cfg)],
                          capture_output=True, text=True, timeout=120, cwd=home, env=env)


def _own(home: Path, path: Path, mode: int) -> None:
    import os
    if home != path and os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    os.chmod(path, mode)


def test_a_read_only_var_dir_stops_start_up_with_one_line_naming_it(as_user):
    home, _ = as_user
    var = home / "var"
    var.mkdir()
    _own(home, var, 0o555)
    r = run_as(as_user, "serve")
    assert r.returncode == 2
    assert r.stderr.strip() == f"cannot start: var_dir {var}: Permission denied (the server keeps its secret, " \
                               "photos, printed jobs and caches there)"


def test_a_read_only_database_file_stops_start_up_with_one_line_naming_it(as_user):
    home, _ = as_user
    r = run_as(as_user, "migrate")
    assert r.returncode == 0, r.stderr
    db = home / "var" / "restaurant.db"
    assert (db.stat().st_mode & 0o777) == 0o600  # it holds the PIN hashes
    _own(home, db, 0o400)
    r = run_as(as_user, "serve")
    assert r.returncode == 2
    assert r.stderr.strip() == f"cannot start: database {db}: read-only for this user (orders could not be saved)"


def test_the_printer_library_keeps_its_cache_under_var_dir(as_user):
    home, _ = as_user
    r = run_as(as_user, "qr-sheet", "-o", str(home / "t.pdf"))
    assert r.returncode == 0, r.stderr
    assert list((home / "var" / "escpos-cache").iterdir())  # the capabilities pickle, not under the code
