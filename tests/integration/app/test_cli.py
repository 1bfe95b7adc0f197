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
