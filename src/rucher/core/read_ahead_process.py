"""Work done ahead in a second process while this one writes what came before.

``core.read_ahead.ReadAhead`` prepares in a thread, which only helps while the writer is in
the database's C code: Python work on both sides takes turns on the interpreter's lock (and
a thread holding it keeps it for up to 5 ms while the writer waits to go on). When the
preparing is Python, a second process runs it beside the writer for real.

``ReadAheadProcess("package.module:producer", task, ahead=N)`` starts
``python -m rucher.core.read_ahead_process`` afresh, which calls ``producer(task)`` (a
generator function; ``task`` is pickled across) and sends each item it yields, pickled, up
to ``ahead`` items ahead of the consumer:

- the consumer gets the items in order; an exception of the producer is raised by the
  iterator after the items produced before it — the producer's own exception when it can be
  pickled, its traceback's text in a ``ProducerFailed`` otherwise;
- a process that dies (killed, out of memory) ends the iteration with ``ProducerFailed``
  naming its exit code;
- leaving the ``with`` block stops the process.

A fresh interpreter rather than ``multiprocessing``: ``fork`` would copy this process's locks
and threads, and ``spawn`` imports the parent's main script again (a script without a
``__main__`` guard would run twice). The process writes only to the pipe it is given, never
to its standard output. With ``django_setup`` it sets Django up before calling the producer
(the producer reads the database); otherwise only the settings module is known, which is
quicker to start.
"""

from __future__ import annotations

import importlib
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import IO, Any

_ITEM, _END, _RAISED = 0, 1, 2


class ProducerFailed(RuntimeError):
    """The producing process raised something that could not be sent back, or died."""


def processors_to_spare() -> bool:
    """Whether a second process would run beside this one rather than take turns with it."""
    return (os.cpu_count() or 1) > 1


class ReadAheadProcess:
    def __init__(self, producer: str, task: Any, *, ahead: int, django_setup: bool = False):
        self.producer, self.task, self.ahead = producer, task, ahead
        self.django_setup = django_setup
        self.process: subprocess.Popen[bytes] | None = None
        self.items: IO[bytes] | None = None

    def __enter__(self) -> ReadAheadProcess:
        from django.conf import settings

        receiving, sending = os.pipe()
        self.items = os.fdopen(receiving, "rb")
        try:
            try:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", __name__, str(sending)],
                    stdin=subprocess.PIPE,
                    pass_fds=(sending,),
                    env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
                )
            finally:
                os.close(sending)  # the producer's end only: its death ends the pipe
            order = {
                "producer": self.producer,
                "task": self.task,
                "ahead": self.ahead,
                "django_setup": self.django_setup,
            }
            assert self.process.stdin is not None
            with self.process.stdin as stdin:
                pickle.dump(order, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # no ``with`` block to leave: stop what was started here
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        if self.items is not None:
            self.items.close()

    def __iter__(self) -> Iterator[Any]:
        assert self.items is not None and self.process is not None
        load = pickle.load
        while True:
            try:
                message = load(self.items)
            except (EOFError, pickle.UnpicklingError):  # died, perhaps halfway through an item
                code = self.process.wait()
                raise ProducerFailed(f"the reading process ended (exit code {code})") from None
            kind = message[0]
            if kind == _ITEM:
                yield message[1]
            elif kind == _END:
                return
            else:
                error, text = message[1], message[2]
                if error is None:
                    raise ProducerFailed(text)
                error.add_note(f"In the reading process:\n{text}")
                raise error


def main(sending: int) -> None:
    """The producing process: each item pickled into the pipe ``sending``, then the end, or
    what the producer raised."""
    order = pickle.load(sys.stdin.buffer)
    # A thread sends while this one produces the next items: either side's pace varies from
    # item to item, and with one item ahead each would often wait for the other.
    outbox: queue.Queue[bytes | None] = queue.Queue(order["ahead"])
    sender = threading.Thread(target=_send, args=(outbox, sending), name="send", daemon=True)
    sender.start()
    dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
    try:
        if order["django_setup"]:
            import django

            django.setup()
        module, _, name = order["producer"].partition(":")
        produce = getattr(importlib.import_module(module), name)
        for item in produce(order["task"]):
            outbox.put(dumps((_ITEM, item), protocol))
        outbox.put(dumps((_END,), protocol))
    except BaseException as error:
        text = traceback.format_exc()
        try:
            message = dumps((_RAISED, error, text), protocol)
            pickle.loads(message)  # some exceptions pickle but cannot be rebuilt
        except Exception:
            message = dumps((_RAISED, None, text), protocol)
        outbox.put(message)
    outbox.put(None)
    sender.join()


def _send(outbox: queue.Queue[bytes | None], sending: int) -> None:
    with os.fdopen(sending, "wb") as out:
        try:
            while (data := outbox.get()) is not None:
                out.write(data)
                out.flush()
        except BrokenPipeError:  # the consumer stopped reading: let the producer finish
            while outbox.get() is not None:
                pass


if __name__ == "__main__":
    main(int(sys.argv[1]))
