"""Typed, frozen settings read from config.toml (tomllib), validated with pydantic.

A bad value stops start-up with a ConfigError that names the key, e.g.
``config.toml: restaurant.minor_unit: Input should be less than or equal to 4``.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerSettings(_Frozen):
    host: str = "0.0.0.0"
    port: int = Field(5000, ge=1, le=65535)
    public_base_url: str = "http://127.0.0.1:5000"
    secret_key: str | None = None
    threads: int = Field(400, ge=8, le=4000)  # each open screen's socket holds one
    keepalive_s: int = Field(5, ge=1, le=300)
    request_timeout_s: float = Field(10.0, gt=0, le=300)
    max_connections_per_address: int = Field(32, ge=1, le=10000)
    max_idle_connections: int = Field(1000, ge=10, le=100000)
    trusted_addresses: tuple[str, ...] = ("127.0.0.1", "::1")

    @field_validator("public_base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")


class DatabaseSettings(_Frozen):
    url: str = "sqlite:///var/restaurant.db"
    wait_s: float = Field(5.0, gt=0, le=60)  # a change waits this long for the database, then 503


class BackupSettings(_Frozen):
    folder: Path | None = None  # relative to the config file's folder; None: var_dir/backups
    at: str = Field("04:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # local time of the nightly backup
    keep: int = Field(14, ge=1, le=3650)  # the newest this many backups are kept
    enabled: bool = True

    @property
    def hour_minute(self) -> tuple[int, int]:
        h, m = self.at.split(":")
        return int(h), int(m)


class RestaurantSettings(_Frozen):
    name: str = "Restaurant"
    currency: str = Field("HKD", pattern=r"^[A-Z]{3}$")
    minor_unit: int = Field(2, ge=0, le=4)
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100)
    prices_include_tax: bool = True
    service_charge: Decimal = Field(Decimal("0"), ge=0, le=100)  # dine-in (a table's check)
    takeaway_service_charge: Decimal = Field(Decimal("0"), ge=0, le=100)
    counter_service_charge: Decimal = Field(Decimal("0"), ge=0, le=100)
    cash_rounding: Decimal = Field(Decimal("0"), ge=0, le=100)  # the smallest coin, e.g. "0.10"; "0": none
    languages: tuple[str, ...] = ("zh-Hant", "en")
    timezone: str = "UTC"
    kitchen_language: str | None = None
    receipt_header: tuple[str, ...] = ()  # lines under the name on receipts: address, phone, tax number
    receipt_footer: str = "多謝光臨 Thank you!"

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("at least one language is needed")
        return v

    @model_validator(mode="after")
    def _cash_rounding(self) -> "RestaurantSettings":
        if (self.cash_rounding * 10 ** self.minor_unit) % 1:
            raise ValueError(f"cash_rounding {self.cash_rounding} is not a whole number of the currency's "
                             f"minor unit (minor_unit {self.minor_unit})")
        return self

    @property
    def cash_step(self) -> int:
        """Cash is counted in steps of this many minor units (1: no rounding)."""
        return max(1, int(self.cash_rounding * 10 ** self.minor_unit))

    @model_validator(mode="after")
    def _kitchen_language(self) -> "RestaurantSettings":
        if self.kitchen_language is not None and self.kitchen_language not in self.languages:
            raise ValueError(f"kitchen_language {self.kitchen_language!r} is not one of languages")
        return self

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    def service_rate(self, kind: str) -> Decimal:
        """The service charge percent of a check of this kind (table, takeaway, counter)."""
        return {"takeaway": self.takeaway_service_charge, "counter": self.counter_service_charge}.get(
            kind, self.service_charge)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def kitchen_lang(self) -> str:
        return self.kitchen_language or self.languages[0]


class PrintingSettings(_Frozen):
    font_path: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    font_index: int = Field(3, ge=0)
    timeout_seconds: float = Field(4.0, gt=0, le=60)
    retry_seconds: float = Field(5.0, gt=0, le=600)
    receipt_printer: str | None = None
    failover_after: int = Field(3, ge=1, le=100)  # failed attempts before a job moves to the backup printer
    probe_seconds: float = Field(15.0, gt=0, le=3600)  # how often a failed-over printer is asked if it is back


class PrinterSettings(_Frozen):
    name: str = Field(min_length=1)
    host: str
    port: int = Field(9100, ge=1, le=65535)
    profile: str = "TM-T20II"
    paper_mm: Literal[58, 80] = 80
    # How non-ASCII text prints: drawn as an image (any printer), or in the printer's own
    # Chinese font (GB18030 or Big5 ROM), which is ~50x fewer bytes; see printers/render.py.
    text_mode: Literal["raster", "gb18030", "big5"] = "raster"
    enabled: bool = True
    backup: str | None = None  # where its jobs go, marked REDIRECTED, once it keeps failing


class StationSettings(_Frozen):
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    printer: str | None = None
    cooks: int = Field(1, ge=1, le=50)


class KitchenSettings(_Frozen):
    warn_minutes: float = Field(5, gt=0, le=240)
    late_minutes: float = Field(8, gt=0, le=240)
    finish_tolerance_seconds: float = Field(30, ge=0, le=600)
    course_gap_seconds: float = Field(300, ge=0, le=3600)
    promise_margin_minutes: float = Field(5, ge=0, le=120)
    late_check_seconds: float = Field(30, ge=5, le=3600)  # also how often the plan follows the clock
    learn_prep_times: bool = True
    learn_window: int = Field(20, ge=3, le=500)
    learn_min_samples: int = Field(5, ge=1, le=500)
    late_apology: dict[str, str] = {
        "zh-Hant": "抱歉，您的菜比預計慢了，廚房正在加緊準備。",
        "zh-Hans": "抱歉，您的菜比预计慢了，厨房正在加紧准备。",
        "en": "We are sorry: your food is taking longer than we promised. The kitchen is on it.",
    }

    @model_validator(mode="after")
    def _thresholds(self) -> "KitchenSettings":
        if self.late_minutes <= self.warn_minutes:
            raise ValueError("late_minutes must be above warn_minutes")
        if self.learn_min_samples > self.learn_window:
            raise ValueError("learn_min_samples must not exceed learn_window")
        return self


class TenderSettings(_Frozen):
    """A way to pay besides cash (cash is built in)."""
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,15}$")
    label: str = Field(min_length=1, max_length=40)
    reference: bool = False  # the cashier types the card terminal's reference


class PosSettings(_Frozen):
    # A discount above this percent of what it applies to needs a manager's approval.
    discount_approval_percent: Decimal = Field(Decimal("20"), ge=0, le=100)
    tenders: tuple[TenderSettings, ...] = (TenderSettings(name="card", label="Card 信用卡", reference=True),)
    tips: bool = True  # offer a tip field on card and other payments

    @field_validator("tenders")
    @classmethod
    def _unique(cls, v: tuple[TenderSettings, ...]) -> tuple[TenderSettings, ...]:
        names = [t.name for t in v]
        if "cash" in names or len(set(names)) != len(names):
            raise ValueError("tender names must be unique and not 'cash' (cash is built in)")
        return v

    def tender(self, name: str) -> TenderSettings | None:
        return next((t for t in self.tenders if t.name == name), None)


class DinerSettings(_Frozen):
    """What one table link (a diner's phone) may send, so a stuck or hostile phone cannot
    flood the kitchen or the terminal. Counted per visit over a sliding window."""
    rate_window_seconds: int = Field(600, ge=1, le=86400)  # the window the two limits below count over
    max_orders: int = Field(10, ge=1, le=1000)  # new orders a visit's phones may place per window
    max_requests: int = Field(10, ge=1, le=1000)  # new requests (waiter, bill, problem) per window


class Settings(_Frozen):
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    backup: BackupSettings = BackupSettings()
    restaurant: RestaurantSettings = RestaurantSettings()
    printing: PrintingSettings = PrintingSettings()
    kitchen: KitchenSettings = KitchenSettings()
    pos: PosSettings = PosSettings()
    diner: DinerSettings = DinerSettings()
    printers: tuple[PrinterSettings, ...] = ()
    stations: tuple[StationSettings, ...] = ()
    # Folder of runtime files (SQLite database, generated secret, printer spool); not from TOML.
    var_dir: Path = REPO_ROOT / "var"

    @model_validator(mode="after")
    def _references(self) -> "Settings":
        names = [p.name for p in self.printers]
        if len(set(names)) != len(names):
            raise ValueError("printers: two printers share a name")
        for i, st in enumerate(self.stations):
            if st.printer and st.printer not in names:
                raise ValueError(f"stations[{i}].printer: no printer named {st.printer!r}")
        for i, p in enumerate(self.printers):
            if p.backup is not None and (p.backup not in names or p.backup == p.name):
                raise ValueError(f"printers[{i}].backup: no other printer named {p.backup!r}")
        if self.printing.receipt_printer and self.printing.receipt_printer not in names:
            raise ValueError(f"printing.receipt_printer: no printer named {self.printing.receipt_printer!r}")
        if len({s.name for s in self.stations}) != len(self.stations):
            raise ValueError("stations: two stations share a name")
        return self

    def printer(self, name: str | None) -> PrinterSettings | None:
        return next((p for p in self.printers if p.name == name), None)

    def station(self, name: str) -> StationSettings | None:
        return next((s for s in self.stations if s.name == name), None)

    @property
    def backup_folder(self) -> Path:
        return self.backup.folder or self.var_dir / "backups"

    @property
    def station_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stations)

    @property
    def station_cooks(self) -> dict[str, int]:
        return {s.name: s.cooks for s in self.stations}


def _format_error(source: str, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"{source}: {key}: {e['msg']}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None, *, env: dict[str, str] | None = None,
                  overrides: dict | None = None) -> Settings:
    """Read the TOML file, apply environment overrides, validate, return frozen settings."""
    env = os.environ if env is None else env
    path = Path(path or env.get("POS_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    for key, value in (overrides or {}).items():
        section, _, name = key.partition(".")
        if name:
            raw.setdefault(section, {})[name] = value
        else:
            raw[section] = value
    if env.get("POS_DATABASE_URL"):
        raw.setdefault("database", {})["url"] = env["POS_DATABASE_URL"]
    if env.get("POS_SECRET_KEY"):
        raw.setdefault("server", {})["secret_key"] = env["POS_SECRET_KEY"]
    raw.setdefault("var_dir", str(path.resolve().parent / "var"))
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(_format_error(path.name, e)) from None
    url = settings.database.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and ":memory:" not in url:
        url = "sqlite:///" + str(path.resolve().parent / url.removeprefix("sqlite:///"))
        settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
    if settings.backup.folder is not None:
        folder = path.resolve().parent / settings.backup.folder.expanduser()  # an absolute folder stays as it is
        settings = settings.model_copy(update={"backup": settings.backup.model_copy(update={"folder": folder})})
    return settings


def secret_key(settings: Settings) -> str:
    """The configured secret, or one generated once into var/secret_key (mode 0600)."""
    if settings.server.secret_key:
        return settings.server.secret_key
    path = settings.var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
