"""Build the demo organisation in a throwaway SQLite database and time what people feel.

    python -m bench [--people 10000] [--repeat 20] [--seed 2024] [--no-record]
    python -m bench feeds [--people 10000] [--communities 1000] [--posts 1000000] ...
    python -m bench analytics [--events 1000000] [--people 10000] [--communities 1000] ...

The second is the feed scenario, see bench/feeds.py; the third the analytics scenario (event
log, rollups, insights pages), see bench/analytics.py.

Measures loading the people through the services (people/s), directory searches through
``rucher.accounts.selectors.directory_search`` (by name word, by skill, by org unit subtree;
median and p95), and the directory page that shows the first page of results. Prints a table
and appends a dated section to BENCHMARKS.md at the repository root.

Nothing here may import Django or Rucher at module level: the environment (a temporary
RUCHER_DATA_DIR, SQLite) must be in place before Django reads its settings.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.machine import Machine, describe
from bench.timing import Timing, measure

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.demo.generator import DemoSummary

REPOSITORY = Path(__file__).resolve().parent.parent
PAGE_SIZE = 24  # the directory's page length (rucher.accounts.directory_views.PAGE_SIZE)


@dataclass(frozen=True)
class Row:
    """One timed case: what was asked, how many results, how long, in how many queries."""

    label: str
    results: int
    timing: Timing
    queries: int
    note: str = ""


@dataclass(frozen=True)
class Results:
    people: int
    seed: int
    repeat: int
    database: str
    django: str
    migrate_seconds: float
    load: DemoSummary
    load_cpu_seconds: float
    searches: list[Row]
    pages: list[Row]


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="organisation size")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=2024, help="generator seed")
    parser.add_argument(
        "--no-record", action="store_true", help="print only; do not append to BENCHMARKS.md"
    )
    parser.add_argument(
        "--output", type=Path, default=REPOSITORY / "BENCHMARKS.md", help="results file"
    )
    arguments = parser.parse_args(argv)
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> None:
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["feeds"]:  # `python -m bench feeds`: the feed scenario (bench/feeds.py)
        from bench.feeds import main as feeds

        feeds(given[1:])
        return
    if given[:1] == ["analytics"]:  # `python -m bench analytics`: bench/analytics.py
        from bench.analytics import main as analytics

        analytics(given[1:])
        return
    if given[:1] == ["import"]:  # `python -m bench import`: the importer (bench/imports.py)
        from bench.imports import main as imports

        imports(given[1:])
        return
    arguments = parse_arguments(given)
    machine = describe(REPOSITORY)  # before the load, so the load average is the machine's own
    with tempfile.TemporaryDirectory(prefix="rucher-bench-") as data_dir:
        _prepare_environment(Path(data_dir))
        results = run(people=arguments.people, seed=arguments.seed, repeat=arguments.repeat)
    print()
    print(format_table(results))
    if not arguments.no_record:
        record(arguments.output, markdown_section(results, machine, arguments))
        print(f"\nAppended to {arguments.output}.")


def _prepare_environment(data_dir: Path) -> None:
    """A throwaway SQLite database, whatever the caller's environment says."""
    os.environ["RUCHER_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("RUCHER_TESTING", None)  # production settings: real hashers, real tasks
    os.environ["DJANGO_SETTINGS_MODULE"] = "rucher.settings"
    sys.path.insert(0, str(REPOSITORY / "src"))
    import django

    django.setup()


def run(*, people: int, seed: int, repeat: int) -> Results:
    import django
    from django.core.management import call_command

    from rucher.demo.generator import generate

    print(f"Migrating a fresh SQLite database in {os.environ['RUCHER_DATA_DIR']}…")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started
    # Production settings serve hashed static file names, as `rucher serve` does after this.
    call_command("collectstatic", verbosity=0, interactive=False)

    print(f"Loading {people} people through the services (seed {seed})…")
    cpu = time.process_time()
    summary = generate(people=people, seed=seed, progress=sys.stderr)
    load_cpu = time.process_time() - cpu

    viewer = _employee()
    print(f"Timing directory searches ({repeat} runs each)…")
    searches = [_time_search(viewer, label, filters, repeat) for label, filters in _cases()]
    print(f"Timing directory pages ({repeat} runs each)…")
    pages = _time_pages(viewer, repeat)
    return Results(
        people=people,
        seed=seed,
        repeat=repeat,
        database=f"SQLite {sqlite3.sqlite_version} (WAL), temporary file",
        django=django.get_version(),
        migrate_seconds=migrate_seconds,
        load=summary,
        load_cpu_seconds=load_cpu,
        searches=searches,
        pages=pages,
    )


def _employee() -> User:
    from rucher.accounts.models import User
    from rucher.demo.personas import persona

    return User.objects.select_related("profile").get(email=persona("employee").email)


def _cases() -> list[tuple[str, object]]:
    """Searches people make, with arguments drawn from the data so every size finds something."""
    from rucher.accounts.models import OrgUnit, User
    from rucher.accounts.selectors import DirectoryFilters, popular_skills

    surnames = Counter(
        name.split()[-1] for name in User.objects.values_list("display_name", flat=True)
    )
    common_name = surnames.most_common(1)[0][0]
    skill = popular_skills(limit=1)[0]
    division = OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION).order_by("path").first()
    department = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("path").first()
    assert division is not None and department is not None
    return [
        (f"name word “{common_name.lower()}”", DirectoryFilters(query=common_name.lower())),
        (f"skill “{skill.name}”", DirectoryFilters(skill=skill.slug)),
        (
            f"text “{skill.name.split()[0].lower()}” (name, title or skill)",
            DirectoryFilters(query=skill.name.split()[0].lower()),
        ),
        (
            f"org unit subtree “{division.name}” (division)",
            DirectoryFilters(org_unit_id=division.pk),
        ),
        (
            f"org unit subtree “{department.name}” (department)",
            DirectoryFilters(org_unit_id=department.pk),
        ),
        ("everyone (no filter)", DirectoryFilters()),
    ]


def _time_search(viewer: User, label: str, filters: object, repeat: int) -> Row:
    from django.core.paginator import Paginator

    from rucher.accounts.selectors import DirectoryFilters, directory_search

    assert isinstance(filters, DirectoryFilters)

    def first_page() -> int:
        # What the directory view does: count the matches, fetch one page of person cards.
        page = Paginator(directory_search(viewer=viewer, filters=filters), PAGE_SIZE).get_page(1)
        list(page.object_list)
        return page.paginator.count

    results, queries = _count_queries(first_page)
    return Row(label, results, measure(first_page, repeat=repeat), queries)


def _time_pages(viewer: User, repeat: int) -> list[Row]:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    client = Client(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS accepts by default
    client.force_login(viewer)
    try:
        url = reverse("directory:list")
    except NoReverseMatch:
        return []
    word = viewer.display_name.split()[-1].lower()
    fragment = {"HX-Request": "true", "HX-Target": "results"}
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("directory page, no filter", url, {}),
        (f"directory page, “{word}”", f"{url}?q={word}", {}),
        (f"results fragment (htmx), “{word}”", f"{url}?q={word}", fragment),
    ]
    rows = []
    for label, address, headers in cases:

        def get(address: str = address, headers: dict[str, str] = headers) -> int:
            response = client.get(address, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{address} answered {response.status_code}")
            return len(response.content)

        size, queries = _count_queries(get)
        rows.append(
            Row(label, 0, measure(get, repeat=repeat), queries, note=f"{size / 1024:.0f} KiB")
        )
    return rows


def _count_queries(action: Callable[[], int]) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        value = action()
    return value, len(captured.captured_queries)


# ---------------------------------------------------------------- output


def format_table(results: Results) -> str:
    load = results.load
    created = load.people + load.guests
    lines = [
        f"Rucher benchmark: {results.people} people (seed {results.seed}), {results.database}",
        "",
        f"{'load':<52} {'count':>7} {'seconds':>9} {'per second':>11}",
        f"{'people through user_create (profile, tags, manager)':<52} {created:>7} "
        f"{load.people_seconds:>9.1f} {load.people_per_second:>11.0f}",
        f"{'follows through person_follow':<52} {load.follows:>7} "
        f"{load.follows_seconds:>9.1f} {_per_second(load.follows, load.follows_seconds):>11.0f}",
        f"{'whole load (units, people, follows, departures)':<52} {load.events:>7} "
        f"{load.seconds:>9.1f} {'':>11}",
        f"  (count = events recorded; CPU time of the load: {results.load_cpu_seconds:.1f} s)",
        "",
        _rows_table("directory_search, first page", results.searches, "results"),
    ]
    if results.pages:
        lines += [
            "",
            _rows_table(
                "HTTP GET /people/ (logged in as the employee persona)", results.pages, "size"
            ),
        ]
    return "\n".join(lines)


def _rows_table(title: str, rows: list[Row], extra: str) -> str:
    lines = [f"{title:<52} {extra:>7} {'median':>9} {'p95':>9} {'CPU med.':>9} {'queries':>8}"]
    for row in rows:
        value = row.note if row.note else str(row.results)
        lines.append(
            f"{row.label[:52]:<52} {value:>7} {row.timing.median_ms:>7.1f}ms "
            f"{row.timing.p95_ms:>7.1f}ms {row.timing.cpu_median_ms:>7.1f}ms {row.queries:>8}"
        )
    return "\n".join(lines)


def _per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds else 0.0


def markdown_section(results: Results, machine: Machine, arguments: argparse.Namespace) -> str:
    load = results.load
    created = load.people + load.guests
    dirty = " (with uncommitted changes)" if machine.dirty else ""
    command = f"python -m bench --people {results.people} --repeat {results.repeat}"
    if results.seed != 2024:
        command += f" --seed {results.seed}"
    lines = [
        f"## {time.strftime('%Y-%m-%d %H:%M %Z')} — {results.people:,} people".replace(",", " "),
        "",
        f"- Commit: `{machine.commit}`{dirty}",
        f"- Machine: {machine.processors} processors (`nproc`), {machine.cpu_model}, "
        f"{machine.memory_gib:.1f} GiB memory, {machine.system}; load average "
        f"{machine.load_average:.1f} when the run started",
        f"- Database: {results.database}",
        f"- Python {machine.python}, Django {results.django}",
        f"- Command: `{command}`",
        "",
        "| Load (through the services, one transaction) | Count | Seconds | Per second |",
        "|---|---:|---:|---:|",
        f"| People: `user_create` with profile, tags, manager | {created} | "
        f"{load.people_seconds:.1f} | {load.people_per_second:.0f} |",
        f"| Follows: `person_follow` | {load.follows} | {load.follows_seconds:.1f} | "
        f"{_per_second(load.follows, load.follows_seconds):.0f} |",
        f"| Whole load: {load.org_units} org units, people, follows, {load.deactivated} "
        f"deactivations ({load.events} events; CPU {results.load_cpu_seconds:.0f} s) | | "
        f"{load.seconds:.1f} | |",
        "",
        f"| `directory_search`, first page of {PAGE_SIZE} (viewer: employee) | Results | "
        "Median | p95 | CPU median | Queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [_markdown_row(row, str(row.results)) for row in results.searches]
    if results.pages:
        lines += [
            "",
            "| `GET /people/` through the test client | Size | Median | p95 | CPU median | "
            "Queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [_markdown_row(row, row.note) for row in results.pages]
    lines += [
        "",
        f"Median and p95 of {results.repeat} runs after one untimed warm-up run (wall clock);"
        " CPU median is this process's processor time, SQLite included, which a busy machine"
        " disturbs less than the wall clock.",
        "",
    ]
    return "\n".join(lines)


def _markdown_row(row: Row, extra: str) -> str:
    return (
        f"| {row.label} | {extra} | {row.timing.median_ms:.1f} ms | "
        f"{row.timing.p95_ms:.1f} ms | {row.timing.cpu_median_ms:.1f} ms | {row.queries} |"
    )


HEADER = """# Benchmarks

Sections are appended by `make bench` (`python -m bench`; `BENCH_ARGS="--people 1000 --repeat
5"` for a quick run), newest last. Each records its commit, machine and database: compare
figures only between runs made in the same conditions. The data is the demo organisation
(`rucher.demo.generator`) loaded into a throwaway SQLite database.
"""


def record(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else HEADER
    path.write_text(text.rstrip("\n") + "\n\n" + section)
