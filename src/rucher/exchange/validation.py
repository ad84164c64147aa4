"""Checking records against the JSON Schemas of the format, fast.

The schemas in ``schema/`` are the reference (draft 2020-12, checked against ``jsonschema`` in
the tests). Validating each line with ``jsonschema`` costs more than writing it, so the import
compiles the small subset of keywords the schemas use into plain checks (``compile_schema``);
a test makes sure both agree on valid and broken samples.

Most lines are valid, and even those plain checks (a closure call per keyword and value) were
a fifth of an import's time. So each schema is also turned into the Python source of one
function that only answers "valid or not" (``compile_fast``): straight-line tests, no calls
but the format checks. The messages come from the plain checks, for the lines it refuses.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

Check = Callable[[Any, str, list[str]], None]

KINDS = (
    "org_units",
    "people",
    "communities",
    "memberships",
    "posts",
    "comments",
    "accepted_answers",
    "reactions",
    "votes",
    "rsvps",
    "read_confirmations",
    "attachments",
    "activity",
)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("rucher.exchange").joinpath("schema", f"{name}.json").read_text()
    return json.loads(text)


def parse_datetime(value: str) -> datetime.datetime | None:
    """An aware datetime from RFC 3339 text, or None when it is not one."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or "T" not in value.upper():
        return None
    return moment


def _is_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function ``check(value, path, errors)`` appending messages for what breaks ``schema``."""
    checks: list[Check] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        tests = [TYPES[name] for name in names]
        label = " or ".join(names)

        def check_type(value: Any, path: str, errors: list[str]) -> None:
            if not any(test(value) for test in tests):
                errors.append(f"{path}: expected {label}")
                raise _Stop

        checks.append(check_type)
    if "const" in schema:
        const = schema["const"]
        checks.append(_simple(lambda v: v == const, f"must be {const!r}"))
    if "enum" in schema:
        allowed = schema["enum"]
        checks.append(
            _simple(lambda v: v in allowed, "must be one of " + ", ".join(map(str, allowed)))
        )
    if "minLength" in schema:
        low = schema["minLength"]
        checks.append(_string(lambda v: len(v) >= low, "must not be empty"))
    if "maxLength" in schema:
        high = schema["maxLength"]
        checks.append(_string(lambda v: len(v) <= high, f"at most {high} characters"))
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        checks.append(_string(lambda v: pattern.search(v) is not None, "has not the right form"))
    fmt = schema.get("format")
    if fmt == "date-time":
        checks.append(
            _string(
                lambda v: parse_datetime(v) is not None,
                "expected an RFC 3339 date and time with its offset",
            )
        )
    elif fmt == "date":
        checks.append(_string(_is_date, "expected a date YYYY-MM-DD"))
    elif fmt == "email":
        checks.append(_string(lambda v: EMAIL_RE.match(v) is not None, "not an e-mail address"))
    if "minimum" in schema:
        minimum = schema["minimum"]
        checks.append(
            _simple(lambda v: not TYPES["number"](v) or v >= minimum, f"at least {minimum}")
        )
    if "minItems" in schema or "maxItems" in schema:
        low, high = schema.get("minItems", 0), schema.get("maxItems", 10**9)

        def check_items_count(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, list) and not low <= len(value) <= high:
                errors.append(f"{path}: between {low} and {high} items")

        checks.append(check_items_count)
    if "items" in schema:
        item_check = compile_schema(schema["items"])

        def check_items(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    _run(item_check, item, f"{path}[{index}]", errors)

        checks.append(check_items)
    if "properties" in schema or "required" in schema:
        properties = {
            name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()
        }
        required = schema.get("required", [])

        def check_object(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                return
            for name in required:
                if name not in value:
                    errors.append(f"{_join(path, name)}: required")
            for name, sub in properties.items():
                if name in value:
                    _run(sub, value[name], _join(path, name), errors)

        checks.append(check_object)
    if "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        extra = compile_schema(schema["additionalProperties"])
        known = set(schema.get("properties", {}))

        def check_extra(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, dict):
                for name, item in value.items():
                    if name not in known:
                        _run(extra, item, _join(path, name), errors)

        checks.append(check_extra)

    def check(value: Any, path: str, errors: list[str]) -> None:
        for one in checks:
            one(value, path, errors)

    return check


class _Stop(Exception):
    """A wrong type: the other keywords of this schema would only repeat the problem."""


def _run(check: Check, value: Any, path: str, errors: list[str]) -> None:
    with contextlib.suppress(_Stop):
        check(value, path, errors)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _simple(test: Callable[[Any], bool], message: str) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if not test(value):
            errors.append(f"{path or 'record'}: {message}")

    return check


def _string(test: Callable[[str], bool], message: str) -> Check:
    def check(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, str) and not test(value):
            errors.append(f"{path or 'record'}: {message}")

    return check


_TYPE_TESTS = {
    "string": "isinstance({v}, str)",
    "integer": "(isinstance({v}, int) and not isinstance({v}, bool))",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "boolean": "isinstance({v}, bool)",
    "array": "isinstance({v}, list)",
    "object": "isinstance({v}, dict)",
    "null": "{v} is None",
}


class _Source:
    """The lines of the generated function and the constants it refers to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {
            "_parse_datetime": parse_datetime,
            "_is_date": _is_date,
            "_email": EMAIL_RE,
        }
        self.names = 0

    def constant(self, value: Any) -> str:
        self.names += 1
        name = f"_c{self.names}"
        self.constants[name] = value
        return name

    def variable(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def add(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)


def _emit(schema: dict[str, Any], v: str, depth: int, out: _Source) -> None:
    """Lines that ``return False`` when ``v`` breaks ``schema`` (what ``compile_schema``
    would report, keyword for keyword)."""
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        out.add(depth, f"if not ({' or '.join(_TYPE_TESTS[n].format(v=v) for n in names)}):")
        out.add(depth + 1, "return False")
    if "const" in schema:
        out.add(depth, f"if not ({v} == {out.constant(schema['const'])}): return False")
    if "enum" in schema:
        out.add(depth, f"if {v} not in {out.constant(list(schema['enum']))}: return False")
    string_tests = []
    if "minLength" in schema:
        string_tests.append(f"len({v}) < {int(schema['minLength'])}")
    if "maxLength" in schema:
        string_tests.append(f"len({v}) > {int(schema['maxLength'])}")
    if "pattern" in schema:
        pattern = out.constant(re.compile(schema["pattern"]))
        string_tests.append(f"{pattern}.search({v}) is None")
    fmt = schema.get("format")
    if fmt == "date-time":
        string_tests.append(f"_parse_datetime({v}) is None")
    elif fmt == "date":
        string_tests.append(f"not _is_date({v})")
    elif fmt == "email":
        string_tests.append(f"_email.match({v}) is None")
    if string_tests:
        out.add(depth, f"if isinstance({v}, str) and ({' or '.join(string_tests)}):")
        out.add(depth + 1, "return False")
    if "minimum" in schema:
        number = _TYPE_TESTS["number"].format(v=v)
        out.add(depth, f"if {number} and {v} < {out.constant(schema['minimum'])}: return False")
    if "minItems" in schema or "maxItems" in schema:
        low, high = int(schema.get("minItems", 0)), int(schema.get("maxItems", 10**9))
        out.add(depth, f"if isinstance({v}, list) and not {low} <= len({v}) <= {high}:")
        out.add(depth + 1, "return False")
    if "items" in schema:
        item = out.variable()
        out.add(depth, f"if isinstance({v}, list):")
        out.add(depth + 1, f"for {item} in {v}:")
        _emit(schema["items"], item, depth + 2, out)
        out.add(depth + 2, "pass")
    properties = schema.get("properties", {})
    if properties or "required" in schema:
        out.add(depth, f"if isinstance({v}, dict):")
        for name in schema.get("required", []):
            out.add(depth + 1, f"if {name!r} not in {v}: return False")
        for name, sub in properties.items():
            value = out.variable()
            out.add(depth + 1, f"{value} = {v}.get({name!r}, _absent)")
            out.add(depth + 1, f"if {value} is not _absent:")
            _emit(sub, value, depth + 2, out)
            out.add(depth + 2, "pass")
        out.add(depth + 1, "pass")
    if isinstance(schema.get("additionalProperties"), dict):
        known = out.constant(frozenset(properties))
        key, value = out.variable(), out.variable()
        out.add(depth, f"if isinstance({v}, dict):")
        out.add(depth + 1, f"for {key}, {value} in {v}.items():")
        out.add(depth + 2, f"if {key} not in {known}:")
        _emit(schema["additionalProperties"], value, depth + 3, out)
        out.add(depth + 3, "pass")


def compile_fast(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """One generated function telling whether a value is valid against ``schema``."""
    out = _Source()
    out.constants["_absent"] = object()
    out.add(0, "def valid(v0):")
    _emit(schema, "v0", 1, out)
    out.add(1, "return True")
    namespace = dict(out.constants)
    # The source is made here from the schemas shipped with Rucher, never from input.
    exec(compile("\n".join(out.lines), "<exchange schema>", "exec"), namespace)
    valid: Callable[[Any], bool] = namespace["valid"]
    return valid


class Validator:
    """Validates records of one kind; ``unknown`` lists top-level fields outside the schema."""

    def __init__(self, kind: str) -> None:
        self.schema = load_schema(kind)
        self.fields = frozenset(self.schema.get("properties", {}))
        self._check = compile_schema(self.schema)
        self._valid = compile_fast(self.schema)

    def errors(self, record: Any) -> list[str]:
        errors: list[str] = []
        if not isinstance(record, dict):
            return ["record: expected a JSON object"]
        if self._valid(record):
            return errors
        _run(self._check, record, "", errors)
        return errors

    def unknown(self, record: dict[str, Any]) -> list[str]:
        return [name for name in record if name not in self.fields]


@cache
def validator(kind: str) -> Validator:
    return Validator(kind)
