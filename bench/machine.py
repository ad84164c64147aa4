"""What a benchmark ran on: commit, processors, memory, CPU model, load. No Django here."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    commit: str
    dirty: bool
    processors: int
    cpu_model: str
    memory_gib: float
    load_average: float
    python: str
    system: str


def describe(repository: Path) -> Machine:
    commit, dirty = _git(repository)
    return Machine(
        commit=commit,
        dirty=dirty,
        processors=_processors(),
        cpu_model=_cpu_model(),
        memory_gib=_memory_gib(),
        load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0,
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()}",
    )


def _git(repository: Path) -> tuple[str, bool]:
    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=repository, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit, bool(git("status", "--porcelain", "--untracked-files=no"))


def _processors() -> int:
    # What `nproc` prints: the processors this process may run on, not all the host has.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0
