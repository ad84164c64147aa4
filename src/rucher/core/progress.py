"""Progress of long-running commands: done/total, percent, rate and time left.

    people   1200/10000   12%  850/s  ~10 s left

On a terminal the line updates in place a few times per second; in a log file (CI, ``make run``
piped to a file) a plain line is written every few seconds instead, so the log stays readable.
The last line gives the elapsed time. The maths is in pure functions so tests need no clock.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self


class SupportsWrite(Protocol):
    def write(self, text: str, /) -> object: ...


# Refresh often enough to look alive on a terminal, rarely enough to stay cheap and, in logs,
# to stay short: a 10-minute load writes about a hundred lines, not thousands.
TTY_INTERVAL = 0.2
LOG_INTERVAL = 5.0


def percent(done: int, total: int) -> int:
    """Whole percent done; an empty job is complete, and overshooting never shows above 100."""
    if total <= 0:
        return 100
    return min(100, max(0, done * 100 // total))


def rate(done: int, elapsed: float) -> float | None:
    """Items per second since the start, or None before anything can be measured."""
    if done <= 0 or elapsed <= 0:
        return None
    return done / elapsed


def remaining_seconds(done: int, total: int, elapsed: float) -> float | None:
    """Time left at the average rate so far; None while the rate is unknown.

    The average since the start is steadier than a recent window for loaders whose items cost
    about the same, which is what Rucher's commands do.
    """
    speed = rate(done, elapsed)
    if speed is None:
        return None
    return max(0, total - done) / speed


def format_duration(seconds: float) -> str:
    """'0.4 s', '12 s', '3 min 05 s', '1 h 02 min': precise when short, coarse when long."""
    seconds = max(0.0, seconds)
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_rate(per_second: float | None) -> str:
    if per_second is None:
        return "–/s"
    if per_second >= 100:
        return f"{per_second:,.0f}/s".replace(",", " ")
    if per_second >= 10:
        return f"{per_second:.0f}/s"
    return f"{per_second:.1f}/s"


def format_line(label: str, done: int, total: int, elapsed: float) -> str:
    """The in-progress line: label, counts aligned on the total's width, percent, rate, ETA."""
    width = len(str(total))
    left = remaining_seconds(done, total, elapsed)
    eta = "estimating…" if left is None else f"~{format_duration(left)} left"
    return (
        f"{label}  {done:>{width}}/{total}  {percent(done, total):>3}%  "
        f"{format_rate(rate(done, elapsed))}  {eta}"
    )


def format_final_line(label: str, done: int, total: int, elapsed: float) -> str:
    return (
        f"{label}  {done}/{total}  {percent(done, total)}%  "
        f"{format_rate(rate(done, elapsed))}  done in {format_duration(elapsed)}"
    )


def _is_tty(stream: SupportsWrite) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False


def _writer(stream: SupportsWrite) -> Callable[[str], object]:
    """A write function that outputs the text as given.

    Django's ``OutputWrapper`` (a command's ``self.stderr``) appends a newline and colours
    stderr red; both would break an updating line, so ask it for neither.
    """
    from django.core.management.base import OutputWrapper

    if isinstance(stream, OutputWrapper):
        wrapper = stream
        return lambda text: wrapper.write(text, style_func=lambda s: s, ending="")
    return stream.write


class Progress:
    """Report the progress of ``total`` items named ``label``.

    Use as a context manager and call ``advance`` as items complete::

        with Progress(len(rows), "people") as progress:
            for row in rows:
                load(row)
                progress.advance()
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        stream: SupportsWrite | None = None,
        tty: bool | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = max(0, total)
        self.label = label
        self.done = 0
        out = stream if stream is not None else sys.stderr
        self._write = _writer(out)
        self._flush = getattr(out, "flush", None)
        self.tty = _is_tty(out) if tty is None else tty
        self.interval = (
            interval if interval is not None else (TTY_INTERVAL if self.tty else LOG_INTERVAL)
        )
        self._clock = clock
        self._started = clock()
        self._last_shown = self._started
        self._shown_width = 0
        self._finished = False

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self._clock()
        if now - self._last_shown >= self.interval:
            self._last_shown = now
            self._show(format_line(self.label, self.done, self.total, now - self._started))

    def finish(self) -> None:
        """Write the final line with the elapsed time. Safe to call twice."""
        if self._finished:
            return
        self._finished = True
        self._show(format_final_line(self.label, self.done, self.total, self.elapsed), final=True)

    def _show(self, line: str, *, final: bool = False) -> None:
        if self.tty:
            # Pad over the previous line: a shorter line must not leave its tail behind, and
            # spaces work on every terminal where ANSI erase codes may not.
            padding = " " * max(0, self._shown_width - len(line))
            self._write(f"\r{line}{padding}" + ("\n" if final else ""))
            self._shown_width = 0 if final else len(line)
        else:
            self._write(line + "\n")
        if callable(self._flush):
            self._flush()

    def _abandon(self) -> None:
        """After an error: end the updating line so the traceback starts on a fresh one."""
        self._finished = True
        if self.tty and self._shown_width:
            self._write("\n")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.finish()
        else:
            self._abandon()


class NullProgress:
    """The same interface, reporting nothing: for callers that want silence (tests, --quiet)."""

    def __init__(self, total: int = 0, label: str = "") -> None:
        self.total = total
        self.label = label
        self.done = 0

    def advance(self, count: int = 1) -> None:
        self.done += count

    def finish(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        pass


def reporter(total: int, label: str, stream: SupportsWrite | None) -> Progress | NullProgress:
    """A Progress on ``stream``, or a silent one when there is no stream."""
    if stream is None:
        return NullProgress(total, label)
    return Progress(total, label, stream=stream)
