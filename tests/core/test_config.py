"""Settings come from the environment and a bad combination stops the start clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rucher.core import config


def test_sqlite_by_default_in_wal_with_immediate_transactions(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = config.database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == tmp_path / "rucher.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_postgres_from_database_url(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://rucher:secret@db.internal:5433/rucher")
    database = config.database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "rucher")


def test_unsupported_database_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/rucher")
    with pytest.raises(ImproperlyConfigured, match="sqlite:// and postgres://"):
        config.database(tmp_path)


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) >= 50
    assert config.secret_key(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_short_secret_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        config.secret_key(tmp_path)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1", "EMAIL_HOST": "smtp"}, "cannot both"),
        ({"EMAIL_HOST_USER": "me"}, "EMAIL_HOST_PASSWORD"),
        ({"EMAIL_USE_TLS": "1"}, "EMAIL_HOST is empty"),
        ({"EMAIL_PORT": "twenty-five", "EMAIL_HOST": "smtp"}, "whole number"),
    ],
)
def test_inconsistent_mail_settings_are_refused(monkeypatch, variables, message):
    for name in ("EMAIL_HOST", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_HOST_USER", "EMAIL_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        config.mailers()


def test_smtp_when_a_host_is_given(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_PORT", "2525")
    mailer = config.mailers()["default"]
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    assert mailer["OPTIONS"]["port"] == 2525


def test_redis_switches_cache_and_channel_layer():
    assert "Redis" in config.caches("redis://127.0.0.1:6379/0")["default"]["BACKEND"]
    assert "Redis" in config.channel_layers("redis://127.0.0.1:6379/0")["default"]["BACKEND"]
    assert "InMemory" in config.channel_layers("")["default"]["BACKEND"]


def test_bad_yes_no_value_is_refused(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="yes/no"):
        config.env_bool("DEBUG", default=False)


def test_the_command_refuses_to_start_with_a_clear_message(tmp_path):
    """A real start of `rucher check` with a wrong time zone names the variable and the fix."""
    environment = {**os.environ, "RUCHER_DATA_DIR": str(tmp_path), "TIME_ZONE": "Mars/Olympus"}
    environment.pop("RUCHER_TESTING", None)
    result = subprocess.run(
        [sys.executable, "-m", "rucher.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Rucher cannot start: TIME_ZONE='Mars/Olympus' is not a known time zone" in result.stderr
    assert "Traceback" not in result.stderr
