"""The import-linter layers contract (pyproject.toml) names every room, so no room is left
outside the import rule: a package with Python code at the top level (beside bench/,
migrations/ and tests/) or under pos/ must be one of its layers. import-linter's layers take
no wildcard for this; this test is what makes adding a room to the contract impossible to
forget."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NOT_ROOMS = {"bench", "migrations", "tests", "scripts", "node_modules", "var"}


def _rooms() -> set[str]:
    tops = {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in NOT_ROOMS}
    pos = {f"pos.{p.parent.name}" for p in (ROOT / "pos").glob("*/__init__.py")}
    return (tops - {"pos"}) | pos


def _contract() -> tuple[set[str], set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c for c in config["contracts"] if c["type"] == "layers"]
    named = {room.strip() for layer in layers["layers"] for room in layer.split("|")}
    return named, set(config["root_packages"])


def test_every_room_is_a_layer_of_the_import_rule_and_a_root_package():
    rooms = _rooms()
    named, roots = _contract()
    assert {"app", "core", "kitchen", "menu", "printers", "staff", "pos.orders", "pos.checks"} <= rooms
    assert rooms - named == set(), "add these rooms to the layers contract in pyproject.toml"
    assert named - rooms == set(), "the layers contract names rooms that do not exist"
    assert {r.split(".")[0] for r in rooms} == roots
    # pos/ holds rooms only: a module beside them would be in no layer of the rule.
    assert [p.name for p in (ROOT / "pos").glob("*.py")] == ["__init__.py"]
