"""Repeated timings summarised as median, 95th and 99th percentiles. No Django here."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    runs: int
    median_ms: float
    p95_ms: float
    min_ms: float
    # Processor time of this process. SQLite runs in-process, so on a busy shared machine this
    # is close to what the wall clock would read on an idle one.
    cpu_median_ms: float
    p99_ms: float = 0.0  # meaningful from 100 runs; with fewer it is the slowest run or so


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, never an interpolation."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def measure(action: Callable[[], object], *, repeat: int, warmup: int = 1) -> Timing:
    """Run ``action`` ``warmup`` times untimed (caches, template loading), then ``repeat`` times."""
    for _ in range(warmup):
        action()
    samples: list[float] = []
    cpu_samples: list[float] = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        action()
        samples.append((time.perf_counter() - started) * 1000)
        cpu_samples.append((time.process_time() - cpu) * 1000)
    return Timing(
        runs=repeat,
        median_ms=statistics.median(samples),
        p95_ms=percentile(samples, 0.95),
        min_ms=min(samples),
        cpu_median_ms=statistics.median(cpu_samples),
        p99_ms=percentile(samples, 0.99),
    )
