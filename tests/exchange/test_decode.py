"""``decode_line`` reads a line exactly as ``json.loads`` does: same value, same error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rucher.exchange.reading import decode_line

LINES = [
    '{"id": "p1", "body": "Post"}\n',
    '{"id": "p1"}',
    '{"id": "p1"}\r\n',
    ' {"id": "p1"}\n',
    '{"id": "p1"} \n',
    '{"id": "p1"}\t\n',
    '[1, 2, {"a": null}]\n',
    '"text"\n',
    "12\n",
    "NaN\n",
    '{"n": 123456789012345678901234567890}\n',
    '{"s": "\\ud800"}\n',
    '{"a": 1, "a": 2}\n',
    "\ufeff{}\n",
    '{"id": "p1"} x\n',
    '{"id": "p1"}{"id": "p2"}\n',
    '{"id": "p1",}\n',
    '{"id": "p1"\n',
    "\n",
    "",
    "nul\n",
    '{"a": "\x01"}\n',
]


def outcome(decode: Any, line: str) -> tuple[str, Any]:
    """What ``decode`` makes of ``line``: its value (as ``repr``: NaN equals itself) or its
    error's class and arguments."""
    try:
        return "value", repr(decode(line))
    except ValueError as error:
        return type(error).__name__, error.args


@pytest.mark.parametrize("line", LINES)
def test_decode_line_is_json_loads(line):
    assert outcome(decode_line, line) == outcome(json.loads, line)
