import pytest

from core.settings import ConfigError, load_settings, secret_key
from pos.orders.tokens import make_token, read_token


def test_defaults_load_and_relative_sqlite_path_is_made_absolute(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[database]\nurl = "sqlite:///var/x.db"\n')
    s = load_settings(cfg, env={})
    assert s.database.url == f"sqlite:///{tmp_path}/var/x.db"
    assert s.var_dir == tmp_path / "var"


@pytest.mark.parametrize("toml,key", [
    ('[restaurant]\nminor_unit = 9\n', "restaurant.minor_unit"),
    ('[restaurant]\ntimezone = "Mars/Olympus"\n', "restaurant.timezone"),
    ('[server]\nport = "x"\n', "server.port"),
    ('[server]\npublic_base_url = "example.com"\n', "server.public_base_url"),
    ('[restaurant]\nunknown_key = 1\n', "restaurant.unknown_key"),
    ('[[stations]]\nname = "wok"\nprinter = "nowhere"\n', "stations[0].printer"),
    ('[[printers]]\nname = "k"\nhost = "h"\npaper_mm = 70\n', "printers.0.paper_mm"),
    ('[restaurant]\nkitchen_language = "fr"\n', "restaurant"),
    ('[[printers]]\nname = "k"\nhost = "h"\nbackup = "k"\n', "printers[0].backup"),
    ('[[printers]]\nname = "k"\nhost = "h"\nbackup = "nowhere"\n', "printers[0].backup"),
    ('[printing]\nfailover_after = 0\n', "printing.failover_after"),
    ('[kitchen]\nwarn_minutes = 9\nlate_minutes = 8\n', "kitchen"),
    ('[restaurant]\ntakeaway_service_charge = "-1"\n', "restaurant.takeaway_service_charge"),
    ('[backup]\nat = "25:00"\n', "backup.at"),
    ('[restaurant]\ncash_rounding = "0.005"\n', "cash_rounding 0.005 is not a whole number"),
    ('[backup]\nkeep = 0\n', "backup.keep"),
])
def test_a_bad_config_names_the_key(tmp_path, toml, key):
    cfg = tmp_path / "config.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, env={})
    assert key in str(exc.value)


def test_not_toml_and_missing_file(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[server\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(cfg, env={})
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_environment_overrides_database_and_secret(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[server]\nsecret_key = "from-file"\n')
    s = load_settings(cfg, env={"POS_DATABASE_URL": "postgresql://u@h/db", "POS_SECRET_KEY": "from-env"})
    assert s.database.url == "postgresql://u@h/db"
    assert s.server.secret_key == "from-env"


def test_settings_are_frozen(tmp_path):
    (tmp_path / "config.toml").write_text("")
    s = load_settings(tmp_path / "config.toml", env={})
    with pytest.raises(Exception):
        s.restaurant.name = "x"


def test_secret_is_generated_once_into_var(tmp_path):
    (tmp_path / "config.toml").write_text("")
    s = load_settings(tmp_path / "config.toml", env={})
    first = secret_key(s)
    assert len(first) > 40 and secret_key(s) == first
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_shipped_config_is_valid():
    s = load_settings(env={})
    assert s.station_names == ("wok", "grill", "cold", "bar")
    assert s.printer("kitchen") and s.printing.receipt_printer == "receipt"


def test_visit_tokens_round_trip_and_forgeries_fail():
    token = make_token("secret", 7, "nonce")
    assert read_token("secret", token) == (7, "nonce")
    assert read_token("other-secret", token) is None
    assert read_token("secret", token[:-2] + "xx") is None
    assert read_token("secret", "garbage") is None


def test_every_setting_is_documented_in_the_readme():
    from pydantic import BaseModel

    from core.settings import REPO_ROOT, Settings
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = []
    for section, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            missing += [f"{section}.{k}" for k in model.model_fields
                        if f"`{section}.{k}`" not in readme and f"`[[{section}.{k}]]" not in readme]
    assert not missing, missing


def test_each_kind_of_check_has_its_own_service_charge():
    r = load_settings(env={}).restaurant
    assert (r.service_rate("table"), r.service_rate("takeaway"), r.service_rate("counter")) == (10, 0, 0)
