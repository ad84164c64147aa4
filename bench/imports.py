"""Import an open-format file of N records and measure records per second and peak memory.

    python -m bench import [--records 1000000] [--no-record] [--note TEXT]

Generates a folder in the open exchange format (people, communities, memberships, posts with
hashtags and mentions, comments, reactions, activity; the proportions of a lively network),
then imports it through ``rucher.exchange.services`` (``import_create`` + ``import_execute``)
into a fresh SQLite database, and into a fresh PostgreSQL database on the server of
``DATABASE_URL`` when that is given (a database ``rucher_bench_import_<pid>`` is created and
dropped). Each import runs in its own process, so peak memory (``ru_maxrss``) is the import's.
Appends a dated section to BENCHMARKS.md.

Nothing here may import Django or Rucher at module level (see bench/run.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.machine import Machine, describe
from bench.probe import describe as describe_probes
from bench.probe import probe

REPOSITORY = Path(__file__).resolve().parent.parent


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench import", description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--no-record", action="store_true", help="do not append to BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "BENCHMARKS.md")
    parser.add_argument("--note", default="", help="what changed, for the record")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="imports per database, each into a fresh database; the median one is reported "
        "(the machine's speed drifts from one minute to the next)",
    )
    # Internal: one import in this process (the parent measures each database apart).
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.records < 1000:
        parser.error("--records must be at least 1000")
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    return arguments


# ---------------------------------------------------------------- generation


def _stamp(i: int) -> str:
    return f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"


def generate(folder: Path, records: int) -> dict[str, int]:
    """Write ``records`` records in the open format, streamed (memory does not grow)."""
    people = max(10, records // 50)
    communities = max(1, records // 1000)
    memberships = min(records * 6 // 100, people * communities)
    posts = records // 5
    comments = records * 2 // 5
    reactions = records * 3 // 10
    activity = records - people - communities - memberships - posts - comments - reactions
    day_one = datetime.date(2022, 1, 1)

    def write(name: str, count: int, row: Any) -> None:
        with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for i in range(count):
                handle.write(json.dumps(row(i)) + "\n")

    write(
        "people",
        people,
        lambda i: {
            "id": f"u{i}",
            "email": f"u{i}@bench.example",
            "display_name": f"Person {i}",
            "created_at": _stamp(i),
        },
    )
    write(
        "communities",
        communities,
        lambda i: {
            "id": f"g{i}",
            "name": f"Group {i}",
            "visibility": ["open", "private", "secret"][i % 3],
            "created_at": _stamp(i),
        },
    )
    write(
        "memberships",
        memberships,
        lambda i: {
            "id": f"m{i}",
            "community_id": f"g{i % communities}",
            "person_id": f"u{(i // communities * 7 + i) % people}",
            "role": "member",
            "joined_at": _stamp(i),
        },
    )

    def post(i: int) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": f"p{i}",
            "type": "discussion",
            "author_id": f"u{(i * 7) % people}",
            "community_id": f"g{i % communities}",
            "created_at": _stamp(i),
            "title": "",
        }
        if i % 4 == 0:  # a quarter with a hashtag and a mention, the others plain text
            row["body"] = f"Post number {i} about the #topic{i % 20} with @[Person 3](person:u3)"
            row["hashtags"] = [f"topic{i % 20}"]
            row["mentions"] = ["u3"]
        else:
            row["body"] = f"Post number {i}, plain text about the weekly work."
        return row

    write("posts", posts, post)
    write(
        "comments",
        comments,
        lambda i: {
            "id": f"c{i}",
            "post_id": f"p{(i * 13) % posts}",
            "author_id": f"u{(i * 11) % people}",
            "created_at": _stamp(i),
            "body": f"Comment {i}",
        },
    )
    # Reaction i: post i % posts by a person that differs for each lap over the posts.
    write(
        "reactions",
        reactions,
        lambda i: {
            "id": f"r{i}",
            "person_id": f"u{(i % posts + i // posts * 17) % people}",
            "post_id": f"p{i % posts}",
            "kind": "like",
            "created_at": _stamp(i),
        },
    )
    write(
        "activity",
        activity,
        lambda i: {
            "id": f"a{i}",
            "person_id": f"u{i % people}",
            "day": (day_one + datetime.timedelta(days=i // people)).isoformat(),
        },
    )
    counts = {
        "people": people,
        "communities": communities,
        "memberships": memberships,
        "posts": posts,
        "comments": comments,
        "reactions": reactions,
        "activity": activity,
    }
    manifest = {
        "format": "rucher-exchange",
        "version": "1.0",
        "source": {"system": "other", "name": "bench"},
        "exported_at": "2024-01-01T00:00:00Z",
        "counts": counts,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return counts


# ---------------------------------------------------------------- one import (child process)


def _max_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    """The resident set now (``ru_maxrss`` only gives the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds() -> float:
    """Processor time of this process and of its children that ended (the reading ones)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def child(backend: str, folder: Path) -> None:
    os.environ.pop("RUCHER_TESTING", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rucher.settings"
    sys.path.insert(0, str(REPOSITORY / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rucher.core.progress import NullProgress
    from rucher.exchange.services import import_create, import_execute

    class MemorySampler(NullProgress):
        """Notes the resident set at each tenth of the records: memory must not grow with
        the file (a peak alone does not tell growth from a bounded cache filling up)."""

        def __init__(self) -> None:
            super().__init__()
            self.samples: list[tuple[int, float]] = []

        def advance(self, count: int = 1) -> None:
            self.done += count
            if self.total and self.done % max(1, self.total // 10) == 0:
                self.samples.append((self.done, round(_rss_mib())))

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}, temporary file"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}, fresh database"
    before = _max_rss_mib()
    run = import_create(actor=None, path=str(folder))
    load_before = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    sampler = MemorySampler()
    run = import_execute(run_id=run.pk, progress=sampler)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    created = sum(c.get("created", 0) for c in run.counts.values())
    result = {
        "backend": backend,
        "database": database,
        "status": run.status,
        "done": run.done,
        "created": created,
        "problems": run.problem_count,
        "seconds": seconds,
        "rate": run.done / seconds,
        # CPU time of this process and of the processes that read the large files: on a
        # machine shared with other work, the wall clock measures the neighbours too (the
        # database server's own time is not included).
        "cpu_seconds": cpu,
        "cpu_rate": run.done / cpu if cpu else 0.0,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "rss_before_mib": before,
        "rss_peak_mib": _max_rss_mib(),
        "rss_samples": sampler.samples,
        "django": django.get_version(),
    }
    print("RESULT " + json.dumps(result))


def _median_of_runs(
    run_once: Callable[[], dict[str, Any]], repeat: int, work: Path
) -> dict[str, Any]:
    """The run of median time among ``repeat`` imports, with every run's time in "runs" and
    the machine probe taken before and after each (``bench.probe``) in "probes"."""
    runs = []
    probes = [probe(work)]
    for number in range(repeat):
        print(f"  run {number + 1} of {repeat}…", flush=True)
        result = run_once()
        probes.append(probe(work))
        result["probe"] = describe_probes(probes[-2:])
        runs.append(result)
    by_time = sorted(runs, key=lambda result: result["seconds"])
    median = dict(by_time[len(by_time) // 2])
    median["runs"] = [(round(result["seconds"], 1), result["probe"]) for result in runs]
    return median


def _run_child(backend: str, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench", "import", "--child", backend, "--folder", str(folder)]
    done = subprocess.run(command, env=env, cwd=REPOSITORY, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line.removeprefix("RESULT ")))
    raise SystemExit(f"the {backend} import failed:\n{done.stdout}\n{done.stderr}")


def _sqlite(folder: Path, work: Path) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=work))  # a fresh database each run
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "RUCHER_TESTING"}}
    env["RUCHER_DATA_DIR"] = str(data_dir)
    try:
        return _run_child("sqlite", folder, env)
    finally:
        shutil.rmtree(data_dir)


def _postgres(url: str, folder: Path) -> dict[str, Any]:
    import psycopg

    name = f"rucher_bench_import_{os.getpid()}"
    base, _, _database = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')  # a fresh one for each run
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": f"{base}/{name}"}
        return _run_child("postgres", folder, env)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


# ---------------------------------------------------------------- the whole benchmark


def main(argv: list[str]) -> None:
    arguments = parse_arguments(argv)
    if arguments.child:
        child(arguments.child, arguments.folder)
        return
    machine = describe(REPOSITORY)
    url = os.environ.get("DATABASE_URL", "")
    results = []
    with tempfile.TemporaryDirectory(prefix="rucher-bench-import-") as work:
        folder = Path(work) / "archive"
        folder.mkdir()
        print(f"Generating {arguments.records:,} records in {folder}…")
        started = time.perf_counter()
        counts = generate(folder, arguments.records)
        generation = time.perf_counter() - started
        if not arguments.no_sqlite:
            print("Importing into SQLite…")
            results.append(
                _median_of_runs(lambda: _sqlite(folder, Path(work)), arguments.repeat, Path(work))
            )
        if url.startswith("postgres") and not arguments.no_postgres:
            print("Importing into PostgreSQL…")
            results.append(
                _median_of_runs(lambda: _postgres(url, folder), arguments.repeat, Path(work))
            )
    table = format_table(results)
    print()
    print(table)
    for result in results:
        print(f"\n{result['database']}: {format_samples(result)}")
    if not arguments.no_record:
        from bench.run import record

        section = markdown_section(results, counts, generation, machine, arguments, table)
        record(arguments.output, section)
        print(f"\nAppended to {arguments.output}.")


def _n(number: float) -> str:
    return f"{number:,.0f}".replace(",", " ")


def format_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| Database | Records | Created | Problems | Time | Records/s | CPU time | Records per "
        "CPU s | Load avg (start → end) | RSS before | Peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {_n(r['done'])} | {_n(r['created'])} | {r['problems']} | "
            f"{r['seconds']:.1f} s | {_n(r['rate'])} | {r['cpu_seconds']:.1f} s | "
            f"{_n(r['cpu_rate'])} | {r['load_before']:.1f} → {r['load_after']:.1f} | "
            f"{r['rss_before_mib']:.0f} MiB | {r['rss_peak_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def format_samples(result: dict[str, Any]) -> str:
    """ "RSS 120 MiB at 100 000 records, ..." from the samples of one import."""
    samples = result.get("rss_samples") or []
    return "RSS " + ", ".join(f"{mib} MiB at {_n(done)}" for done, mib in samples) + " records"


def markdown_section(
    results: list[dict[str, Any]],
    counts: dict[str, int],
    generation: float,
    machine: Machine,
    arguments: argparse.Namespace,
    table: str,
) -> str:
    dirty = " (with uncommitted changes)" if machine.dirty else ""
    records = f"{arguments.records:,}".replace(",", " ")
    django_version = results[0]["django"] if results else "?"
    lines = [
        f"## {time.strftime('%Y-%m-%d %H:%M %Z')} — import: {records} records (open format)",
        "",
        f"- Commit: `{machine.commit}`{dirty}",
        f"- Machine: {machine.processors} processors (`nproc`), {machine.cpu_model}, "
        f"{machine.memory_gib:.1f} GiB memory, {machine.system}; load average "
        f"{machine.load_average:.1f} when the run started",
        f"- Python {machine.python}, Django {django_version}",
        f"- Command: `python -m bench import --records {arguments.records} "
        f"--repeat {arguments.repeat}`",
        *([f"- Change: {arguments.note}"] if arguments.note else []),
        "- Data: "
        + ", ".join(f"{name} {number:,}".replace(",", " ") for name, number in counts.items())
        + f" (a folder, generated in {generation:.0f} s); a quarter of the posts have a hashtag "
        "and a mention.",
        "",
        table,
        "",
        *[f"- {r['database']}: {format_samples(r)}" for r in results],
        *[
            f"- {r['database']}: {len(r['runs'])} runs, in order: "
            + "; ".join(f"{seconds:.1f} s (probe: {probed})" for seconds, probed in r["runs"])
            + " (the median one is in the table)"
            for r in results
            if "runs" in r
        ],
        "",
        "Wall clock of `import_execute` (validation, references, writes, events, progress), "
        "each run in a process of its own and a fresh database. CPU time: the importing "
        "process's and the processes that read its large files. RSS before: after Django "
        "set-up and migrations, before the import; peak RSS: `ru_maxrss` of the importing "
        "process at the end. Probe: `bench.probe` before and after each run (the mean of the "
        "two), the same fixed work in Python alone and in SQLite alone — lower is faster; "
        "compare runs of different days through it. Target: at least 20 000 records/s on "
        "SQLite, with memory that does not grow with the file size.",
        "",
    ]
    return "\n".join(lines)
