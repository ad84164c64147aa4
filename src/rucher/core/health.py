"""What /healthz reports: can we reach the database, and Redis when it is configured."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_state() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"; say which
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def redis_state() -> dict[str, object] | None:
    if not settings.REDIS_URL:
        return None
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    finally:
        client.close()
    return {"ok": True}


def health() -> tuple[bool, dict[str, object]]:
    checks: dict[str, object] = {"database": database_state()}
    redis = redis_state()
    if redis is not None:
        checks["redis"] = redis
    healthy = all(bool(check["ok"]) for check in checks.values() if isinstance(check, dict))
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": checks}
