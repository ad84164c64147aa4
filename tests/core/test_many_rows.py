"""``core.many_rows``: rows cut into statements of many rows, none lost, none repeated."""

from __future__ import annotations

import sqlite3

import pytest

from rucher.core import many_rows


def _written(rows: list[tuple[int, str]], **options: object) -> tuple[list[int], list[tuple]]:
    """Run the statements on a database of its own: the rows per statement, the rows stored."""
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE t (n INTEGER, word TEXT)")
    per_statement = []
    for sql, values in many_rows.statements(
        "INSERT INTO t (n, word) VALUES",
        (row for row in rows),  # an iterator, as the importer gives them
        width=2,
        mark="?",
        **options,  # type: ignore[arg-type]
    ):
        per_statement.append(sql.count("(?, ?)"))
        database.execute(sql, values)
    return per_statement, database.execute("SELECT n, word FROM t ORDER BY rowid").fetchall()


@pytest.mark.parametrize(
    ("count", "expected"), [(0, []), (1, [1]), (4, [4]), (8, [4, 4]), (9, [4, 4, 1])]
)
def test_rows_go_by_full_statements_then_one_part_full(monkeypatch, count, expected):
    monkeypatch.setattr(many_rows, "ROWS_PER_STATEMENT", 4)
    rows = [(n, f"w{n}") for n in range(count)]
    per_statement, stored = _written(rows, parameter_limit=None)
    assert per_statement == expected
    assert stored == rows


def test_the_limit_on_parameters_is_kept():
    rows = [(n, "x") for n in range(7)]
    per_statement, stored = _written(rows, parameter_limit=5)  # two values a row: 2 rows
    assert per_statement == [2, 2, 2, 1]
    assert stored == rows


def test_a_tail_ends_every_statement():
    statements = list(
        many_rows.statements(
            "INSERT INTO t (n) VALUES",
            [(1,), (2,), (3,)],
            width=1,
            mark="%s",
            parameter_limit=2,
            tail="ON CONFLICT (n) DO NOTHING",
        )
    )
    assert [values for _sql, values in statements] == [[1, 2], [3]]
    assert all(sql.endswith(" ON CONFLICT (n) DO NOTHING") for sql, _values in statements)
    assert statements[0][0].startswith("INSERT INTO t (n) VALUES (%s), (%s) ")
