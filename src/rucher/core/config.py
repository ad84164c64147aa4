"""Reading settings from the environment, failing fast with a message a person can act on."""

from __future__ import annotations

import os
import secrets
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, *, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use 1/0, true/false.")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir(base_dir: Path) -> Path:
    """The folder for everything Rucher keeps locally (SQLite file, uploads, secret key)."""
    path = Path(os.environ.get("RUCHER_DATA_DIR", base_dir / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(data: Path) -> str:
    """SECRET_KEY from the environment, or one generated once and kept in the data folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        if len(from_env) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return from_env
    key_file = data / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(data: Path) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return sqlite_database(data / "rucher.sqlite3")
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    engine = parsed.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return sqlite_database(Path(parsed["NAME"]))
    if not engine.endswith("postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {engine!r}; Rucher supports sqlite:// and postgres:// only."
        )
    parsed["CONN_HEALTH_CHECKS"] = True
    parsed.setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DATABASE_NAME") or None
    return parsed


def sqlite_database(path: Path) -> dict[str, Any]:
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing with "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


def channel_layers(redis_url: str) -> dict[str, Any]:
    if redis_url:
        return {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [redis_url]},
            }
        }
    return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def caches(redis_url: str, data_dir: Path | None = None) -> dict[str, Any]:
    """Redis when configured; else files under the data folder, so that the server and the
    worker (separate processes) share what one computes for the other — the pilot
    evaluations the worker warms, the log-in failure counters. Memory only without a folder
    (the tests)."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "rucher",
            }
        }
    if data_dir is not None:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(data_dir / "cache"),
                "OPTIONS": {"MAX_ENTRIES": 5000},
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


S3_VARIABLES = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX",
    "S3_ADDRESSING_STYLE",
)
S3_ADDRESSING_STYLES = ("path", "virtual")


def file_storage() -> dict[str, Any]:
    """Django's default storage: local files, or an S3-compatible bucket when S3_BUCKET is set.

    Files in the bucket are private: no ACL is sent (objects take the bucket's, which must be
    private), an accidental ``.url`` is a signed link that expires, and a name already taken
    gets another name instead of replacing someone's file. Rucher itself never hands out a
    URL to a stored file: every download goes through a view that applies the access policy.
    """
    read = {name: os.environ.get(name, "").strip() for name in S3_VARIABLES}
    bucket = read["S3_BUCKET"]
    if not bucket:
        stray = [name for name, value in read.items() if value]
        if stray:
            raise ImproperlyConfigured(
                f"{', '.join(stray)} set but S3_BUCKET is empty: set S3_BUCKET to the bucket's "
                "name to store files there, or unset them to keep files on the local disk."
            )
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    access_key, secret_key = read["S3_ACCESS_KEY_ID"], read["S3_SECRET_ACCESS_KEY"]
    if not (access_key and secret_key):
        missing = [name for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY") if not read[name]]
        raise ImproperlyConfigured(
            f"S3_BUCKET is set but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing: give the key pair of an account "
            "that may read, write and delete in the bucket."
        )
    endpoint = read["S3_ENDPOINT_URL"]
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(
                f"S3_ENDPOINT_URL={endpoint!r} is not an http:// or https:// address "
                "(for example https://s3.fr-par.scw.cloud or http://minio:9000)."
            )
    style = read["S3_ADDRESSING_STYLE"].lower() or ("path" if endpoint else "virtual")
    if style not in S3_ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE={read['S3_ADDRESSING_STYLE']!r} is unknown: use path "
            "(https://host/bucket/key) or virtual (https://bucket.host/key)."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "access_key": access_key,
            "secret_key": secret_key,
            "endpoint_url": endpoint or None,
            "region_name": read["S3_REGION"] or None,
            "addressing_style": style,
            "signature_version": "s3v4",
            "location": read["S3_PREFIX"].strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # A file read from the bucket is kept in memory up to this size, on disk beyond.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


def check_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"TIME_ZONE={name!r} is not a known time zone (for example Europe/Paris)."
        ) from None


def mailers() -> dict[str, Any]:
    """Django's MAILERS: the console unless EMAIL_HOST names an SMTP server."""
    host = os.environ.get("EMAIL_HOST", "")
    use_tls = env_bool("EMAIL_USE_TLS", default=False)
    use_ssl = env_bool("EMAIL_USE_SSL", default=False)
    user = os.environ.get("EMAIL_HOST_USER", "")
    password = os.environ.get("EMAIL_HOST_PASSWORD", "")
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    if user and not password:
        raise ImproperlyConfigured("EMAIL_HOST_USER is set but EMAIL_HOST_PASSWORD is missing.")
    if not host:
        if use_tls or use_ssl or user:
            raise ImproperlyConfigured(
                "SMTP options are set but EMAIL_HOST is empty: set EMAIL_HOST to the server."
            )
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": host,
                "port": env_int("EMAIL_PORT", default=25),
                "username": user,
                "password": password,
                "use_tls": use_tls,
                "use_ssl": use_ssl,
                "timeout": env_int("EMAIL_TIMEOUT", default=20),
            },
        }
    }
