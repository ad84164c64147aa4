"""/healthz: 200 when the database (and Redis, when configured) answer, 503 otherwise."""

from __future__ import annotations

import socket

import pytest


def _redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_healthy_without_redis(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "vendor": response.json()["checks"]["database"]["vendor"]}
        },
    }


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis server on 127.0.0.1:6379")
def test_healthy_with_a_real_redis(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"ok": True}


def test_unavailable_when_redis_does_not_answer(client, db, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["redis"]["ok"] is False
