"""``ReadAheadProcess`` runs a producer in a second process: its items arrive in order, its
exception after them, a death is named by its exit code, and the process never outlives the
block. The producers below run in that process (this module is imported there by name)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from rucher.core.read_ahead_process import ProducerFailed, ReadAheadProcess

HERE = __name__


def numbers(task: dict[str, Any]) -> Iterator[Any]:
    for number in range(task["count"]):
        yield (number, os.getpid())
    if task.get("then") == "raise":
        raise ValueError(f"no number after {task['count'] - 1}")
    if task.get("then") == "unpicklable":
        error = ValueError("holds a lock")
        error.lock = threading.Lock()  # type: ignore[attr-defined]
        raise error


def forever(task: dict[str, Any]) -> Iterator[int]:
    number = 0
    while True:
        yield number
        number += 1


def receive(producer: str, task: dict[str, Any], *, kill_at: int | None = None) -> list[Any]:
    """What the consumer got before the end, or before what ended it (kept in ``received``)."""
    received.clear()
    where = producer if ":" in producer else f"{HERE}:{producer}"
    with ReadAheadProcess(where, task, ahead=1) as items:
        for item in items:
            received.append(item)
            if item == kill_at:
                assert items.process is not None
                os.kill(items.process.pid, signal.SIGKILL)
    return received


received: list[Any] = []


def test_the_items_arrive_in_order_from_another_process():
    items = receive("numbers", {"count": 50})
    assert [number for number, _ in items] == list(range(50))
    assert {pid for _, pid in items} != {os.getpid()}


def test_the_producers_exception_comes_after_its_items_with_its_traceback():
    with pytest.raises(ValueError, match="no number after 4") as raised:
        receive("numbers", {"count": 5, "then": "raise"})
    assert [number for number, _ in received] == [0, 1, 2, 3, 4]
    assert "Traceback" in "".join(raised.value.__notes__)


def test_an_exception_that_cannot_cross_becomes_its_traceback():
    with pytest.raises(ProducerFailed, match="holds a lock") as raised:
        receive("numbers", {"count": 1, "then": "unpicklable"})
    assert "Traceback" in str(raised.value)


def test_a_producer_that_cannot_be_found_is_reported():
    with pytest.raises(ModuleNotFoundError, match="no_such_module"):
        receive("no_such_module:produce", {})


def test_a_killed_process_is_named_by_its_exit_code():
    with pytest.raises(ProducerFailed, match="exit code -9"):
        receive("forever", {}, kill_at=3)
    assert received[:4] == [0, 1, 2, 3]


def test_leaving_the_block_stops_the_process():
    with ReadAheadProcess(f"{HERE}:forever", {}, ahead=1) as items:
        for number in items:
            if number == 10:
                break
    assert items.process is not None and items.process.returncode is not None
