"""The progress reporter: ETA maths, formatting, throttling, terminal and log output."""

from __future__ import annotations

import io

import pytest
from django.core.management.base import OutputWrapper

from rucher.core.progress import (
    NullProgress,
    Progress,
    format_duration,
    format_line,
    format_rate,
    percent,
    rate,
    remaining_seconds,
    reporter,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_remaining_time_follows_the_average_rate():
    # 1 200 done in 10 s is 120/s; 8 800 left take 73.3 s.
    assert rate(1200, 10.0) == 120
    assert remaining_seconds(1200, 10_000, 10.0) == pytest.approx(8800 / 120)


def test_remaining_time_is_unknown_before_any_progress():
    assert remaining_seconds(0, 100, 5.0) is None
    assert remaining_seconds(10, 100, 0.0) is None


def test_remaining_time_never_goes_negative_when_overshooting():
    assert remaining_seconds(120, 100, 2.0) == 0


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [(0, 10, 0), (1, 3, 33), (10, 10, 100), (12, 10, 100), (0, 0, 100)],
)
def test_percent_is_whole_and_bounded(done, total, expected):
    assert percent(done, total) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.42, "0.4 s"),
        (12.4, "12 s"),
        (185, "3 min 05 s"),
        (3720, "1 h 02 min"),
        (-3, "0.0 s"),
    ],
)
def test_durations_read_naturally(seconds, text):
    assert format_duration(seconds) == text


def test_rates_are_rounded_to_what_matters():
    assert format_rate(None) == "–/s"
    assert format_rate(2.345) == "2.3/s"
    assert format_rate(42.4) == "42/s"
    assert format_rate(1234.5) == "1 234/s"


def test_line_shows_counts_percent_rate_and_eta():
    line = format_line("people", 1200, 10_000, 10.0)
    assert line == "people   1200/10000   12%  120/s  ~1 min 13 s left"


def test_line_before_any_rate_says_it_is_estimating():
    assert format_line("people", 0, 10, 0.0).endswith("estimating…")


def test_log_output_is_throttled_and_ends_with_the_elapsed_time():
    clock, out = FakeClock(), io.StringIO()
    progress = Progress(80, "people", stream=out, clock=clock, interval=5.0)
    for _ in range(80):
        clock.now += 0.125  # 80 items in 10 s: a line at 5 s and at 10 s, no more
        progress.advance()
    progress.finish()
    progress.finish()  # a second call writes nothing more
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0] == "people  40/80   50%  8.0/s  ~5.0 s left"
    assert lines[-1] == "people  80/80  100%  8.0/s  done in 10 s"
    assert "\r" not in out.getvalue()


def test_terminal_output_updates_one_line_and_pads_over_longer_text():
    clock, out = FakeClock(), TtyBuffer()
    with Progress(1000, "people", stream=out, clock=clock) as progress:
        assert progress.tty
        clock.now += 1000  # a slow start makes a long ETA text...
        progress.advance()
        clock.now += 0.5  # ...which the next, shorter line must fully overwrite
        progress.advance(999)
    text = out.getvalue()
    updates = text.split("\r")[1:]
    assert len(updates) == 3
    assert len(updates[1]) >= len(updates[0])  # padded to the width of the previous line
    assert text.endswith("done in 16 min 40 s\n")
    assert text.count("\n") == 1


def test_an_error_ends_the_terminal_line_without_claiming_success():
    clock, out = FakeClock(), TtyBuffer()

    def fail_half_way() -> None:
        with Progress(10, "people", stream=out, clock=clock) as progress:
            clock.now += 1
            progress.advance()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert out.getvalue().endswith("\n")
    assert "done in" not in out.getvalue()


def test_django_command_streams_get_neither_extra_newlines_nor_colour():
    raw = TtyBuffer()
    wrapper = OutputWrapper(raw)
    wrapper.style_func = lambda text: f"<red>{text}</red>"
    clock = FakeClock()
    with Progress(2, "units", stream=wrapper, clock=clock) as progress:
        clock.now += 1
        progress.advance(2)
    assert "<red>" not in raw.getvalue()
    assert raw.getvalue().startswith("\runits")
    assert raw.getvalue().count("\n") == 1


def test_reporter_without_a_stream_is_silent():
    with reporter(3, "people", None) as progress:
        progress.advance(3)
    assert isinstance(progress, NullProgress)
    assert progress.done == 3
