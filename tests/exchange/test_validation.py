"""The generated validity test of each schema agrees with the plain checks, which give the
messages (``rucher.exchange.validation``): on valid records and on broken ones."""

from __future__ import annotations

import random
from typing import Any

from rucher.exchange import validation
from rucher.exchange.validation import KINDS, compile_fast, compile_schema, load_schema

VALUES: list[Any] = [
    None, True, False, 0, 1, -3, 2.5, "", "x", "a" * 300, "2021-03-04T10:00:00Z",
    "2021-03-04T10:00:00", "2021-03-04", "2021-02-30", "p@example.org", "not mail",
    "discussion", "poll", "event", "open", "secret", "like", "member", "owner", "yes",
    [], ["x"], [1], [{"id": "o1", "label": "A"}, {"id": "o2", "label": "B"}], {}, {"k": "v"},
]  # fmt: skip


def _plain_valid(check: Any, record: Any) -> bool:
    errors: list[str] = []
    validation._run(check, record, "", errors)  # as ``Validator.errors`` runs it
    return not errors


def _sample(schema: dict[str, Any], chance: random.Random, depth: int = 0) -> Any:
    """A value that is often close to valid (the schema's own enums, nested objects)."""
    if depth < 3 and chance.random() < 0.8:
        if "enum" in schema:
            return chance.choice(schema["enum"])
        kind = schema.get("type")
        kind = chance.choice(kind) if isinstance(kind, list) else kind
        if kind == "object" or "properties" in schema:
            return {
                name: _sample(sub, chance, depth + 1)
                for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", []) or chance.random() < 0.5
            }
        if kind == "array" and "items" in schema:
            return [
                _sample(schema["items"], chance, depth + 1) for _ in range(chance.randint(0, 3))
            ]
        if schema.get("format") == "date-time":
            return chance.choice(["2021-03-04T10:00:00Z", "2021-03-04T10:00:00+02:00"])
        if schema.get("format") == "date":
            return "2021-03-04"
        if schema.get("format") == "email":
            return "someone@example.org"
        if kind == "string":
            return chance.choice(["x", "p1", "Hello"])
        if kind == "integer":
            return chance.choice([0, 1, 5])
        if kind == "boolean":
            return chance.choice([True, False])
    return chance.choice(VALUES)


def test_fast_and_plain_checks_agree():
    chance = random.Random(11)
    exercised = set()
    for kind in (*KINDS, "manifest"):
        schema = load_schema(kind)
        fast, plain = compile_fast(schema), compile_schema(schema)
        verdicts = set()
        for _ in range(400):
            record = _sample(schema, chance)
            if isinstance(record, dict) and record and chance.random() < 0.3:
                record.pop(chance.choice(list(record)))  # a missing field
            if isinstance(record, dict) and chance.random() < 0.3:
                record[chance.choice(["extra", "id", "created_at"])] = chance.choice(VALUES)
            verdict = _plain_valid(plain, record)
            assert fast(record) is verdict, (kind, record)
            verdicts.add(verdict)
        if verdicts == {True, False}:
            exercised.add(kind)
    assert len(exercised) >= 10, exercised  # both verdicts were met for most kinds
