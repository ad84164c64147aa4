"""The Yammer and Workplace readers on the sample exports of tests/exchange/samples."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rucher.exchange.readers import convert
from rucher.exchange.readers.common import parse_timestamp
from rucher.exchange.readers.text import fix_mojibake, html_to_markdown
from rucher.exchange.validation import load_schema

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def zip_folder(folder: Path, target: Path) -> Path:
    """The sample as the ZIP an administrator downloads (built here, never committed)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def records(out: Path, kind: str) -> list[dict[str, Any]]:
    path = out / f"{kind}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_id(out: Path, kind: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records(out, kind)}


def assert_valid(out: Path) -> None:
    """Every line validates against the exchange format's JSON Schema."""
    for path in out.glob("*.jsonl"):
        validator = jsonschema.Draft202012Validator(load_schema(path.stem))
        for line in path.read_text(encoding="utf-8").splitlines():
            errors = [e.message for e in validator.iter_errors(json.loads(line))]
            assert not errors, (path.name, line, errors)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, load_schema("manifest"))


@pytest.fixture
def yammer(tmp_path: Path) -> tuple[Any, Path]:
    source = zip_folder(SAMPLES / "yammer", tmp_path / "export.zip")
    out = tmp_path / "out"
    return convert(source, out), out


def test_yammer_counts_and_schema(yammer: tuple[Any, Path]) -> None:
    report, out = yammer
    assert report.ok
    assert dict(report.created) == {
        "person": 4, "community": 3, "post": 4, "comment": 6, "attachment": 1, "membership": 6,
    }  # fmt: skip
    assert_valid(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["source"] == {"system": "yammer", "name": "yammer:example.com"}


def test_yammer_people(yammer: tuple[Any, Path]) -> None:
    report, out = yammer
    people = by_id(out, "people")
    assert people["2"]["email"] == "bob@example.com"  # lower-cased: the matching key
    assert people["3"]["active"] is False
    assert people["3"]["deactivated_at"] == "2021-06-30T17:00:00Z"
    assert people["66"] == {
        "id": "66", "email": "eve@partner.example", "display_name": "Eve Partner", "role": "guest",
    }  # fmt: skip
    assert "4" not in people
    assert "WARNING Users.csv:5: User 4 has no e-mail address" in "\n".join(report.lines())


def test_yammer_communities_and_privacy(yammer: tuple[Any, Path]) -> None:
    _report, out = yammer
    communities = by_id(out, "communities")
    assert communities["10"]["visibility"] == "open"
    assert communities["20"]["visibility"] == "private"
    assert communities["all-company"]["visibility"] == "open"
    assert "30" not in communities  # deleted in the source
    board = {m["person_id"] for m in records(out, "memberships") if m["community_id"] == "20"}
    assert board == {"2", "66"}  # the creator and who wrote there; nobody else


def test_yammer_threads_are_flattened(yammer: tuple[Any, Path]) -> None:
    _report, out = yammer
    comments = by_id(out, "comments")
    assert comments["102"]["post_id"] == "101" and "parent_id" not in comments["102"]
    assert comments["103"]["parent_id"] == "102"  # reply to a reply
    assert comments["104"]["parent_id"] == "102"  # three levels deep: same top-level comment
    assert "parent_id" not in comments["109"]  # its parent was deleted
    assert "parent_id" not in comments["110"]  # its parent is not in the export
    order = [c["id"] for c in records(out, "comments")]
    assert order.index("102") < min(order.index("103"), order.index("104"))  # parent first


def test_yammer_skips_are_reported_with_lines(yammer: tuple[Any, Path]) -> None:
    report, out = yammer
    text = "\n".join(report.lines())
    assert "107" not in by_id(out, "posts")  # private message
    assert "INFO Messages.csv:9: Message 107 is a private message" in text
    assert "INFO Messages.csv:10: Message 108 was deleted in the source" in text
    assert "ERROR Messages.csv:15: Duplicate message id 102 (first at line 4)" in text
    assert "ERROR Messages.csv:16: Message 114: its author 88 is unknown" in text
    assert "WARNING Messages.csv:12: Message 110 replies to message 999" in text
    assert "ERROR Messages.csv:13: Message 111 replies in thread 777" in text
    assert "INFO Messages.csv:1: Unknown columns ignored: network_id." in text
    assert report.skipped["private_message"] == 1
    assert report.skipped["deleted_message"] == 1
    assert by_id(out, "comments")["102"]["body"] == "Great work!"  # the first row won


def test_yammer_bodies(yammer: tuple[Any, Path]) -> None:
    _report, out = yammer
    posts = by_id(out, "posts")
    first = posts["101"]
    assert first["body"].startswith(
        "Hello @[Bob Durand](person:2), our Q1 figures for #GreenOffice"
    )
    assert first["mentions"] == ["2"]
    assert first["hashtags"] == ["GreenOffice", "zero-waste"]
    assert first["created_at"] == "2021-03-01T09:00:00Z"
    board = posts["105"]["body"]
    assert board.startswith("Budget draft for **2022**:\n\n- travel *-10%*\n- see [the sheet]")
    assert "script" not in board and "alert" not in board
    assert "[budget.xlsx](https://contoso.sharepoint.com/sites/board/budget.xlsx)" in board
    assert posts["116"]["type"] == "announcement"


def test_yammer_attachment_file_is_copied(yammer: tuple[Any, Path]) -> None:
    _report, out = yammer
    (attachment,) = records(out, "attachments")
    assert attachment["post_id"] == "101"
    assert attachment["name"] == "waste report.txt"
    assert (out / attachment["path"]).read_text() == "Paper: -32%\nPlastic: -12%\n"
    assert attachment["size"] == 26


def test_yammer_to_zip_output(tmp_path: Path) -> None:
    report = convert(SAMPLES / "yammer", tmp_path / "converted.zip", source="yammer")
    assert report.ok and report.output.endswith("converted.zip")
    with zipfile.ZipFile(report.output) as archive:
        names = set(archive.namelist())
    assert {"manifest.json", "posts.jsonl", "files/101-900/waste report.txt"} <= names


def test_windows_1252_export(tmp_path: Path) -> None:
    report = convert(SAMPLES / "yammer-cp1252", tmp_path / "out")
    assert report.ok
    (post,) = records(tmp_path / "out", "posts")
    assert post["body"] == "Réunion qualité à 10h – café offert €"
    assert by_id(tmp_path / "out", "communities")["10"]["name"] == "Qualité"
    warnings = [p for p in report.problems if "Windows-1252" in p.message]
    assert [(p.file, p.line) for p in warnings] == [
        ("Users.csv", 2), ("Groups.csv", 2), ("Messages.csv", 2),
    ]  # fmt: skip


def test_utf8_bom_header_is_read(yammer: tuple[Any, Path]) -> None:
    report, _out = yammer
    assert not [p for p in report.problems if p.file == "Users.csv" and "column" in p.message]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_broken_zip_gives_a_clean_report(tmp_path: Path, content: bytes) -> None:
    broken = tmp_path / "export.zip"
    broken.write_bytes(content)
    report = convert(broken, tmp_path / "out")
    assert not report.ok
    (problem,) = report.problems
    assert problem.level == "error" and problem.file == "export.zip"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_truncated_zip(tmp_path: Path) -> None:
    whole = zip_folder(SAMPLES / "yammer", tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    report = convert(cut, tmp_path / "out")
    assert not report.ok
    assert report.problems[0].level == "error"


def test_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "readme.txt").write_text("hello")
    report = convert(tmp_path / "folder", tmp_path / "out")
    assert not report.ok


def test_output_folder_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("x")
    report = convert(SAMPLES / "yammer", tmp_path / "out")
    assert not report.ok


def test_missing_required_column_skips_the_file(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "yammer", export)
    (export / "Topics.csv").write_text("identifier,label\n1,x\n", encoding="utf-8")
    report = convert(export, tmp_path / "out")
    assert report.ok
    assert any(
        p.file == "Topics.csv" and p.line == 1 and "Required columns" in p.message
        for p in report.problems
    )


def test_all_company_can_be_skipped(tmp_path: Path) -> None:
    report = convert(SAMPLES / "yammer", tmp_path / "out", all_company="skip")
    assert "all-company" not in by_id(tmp_path / "out", "communities")
    assert report.skipped["all_company"] == 1


# --- Workplace ----------------------------------------------------------------------------------


@pytest.fixture
def workplace(tmp_path: Path) -> tuple[Any, Path]:
    source = zip_folder(SAMPLES / "workplace", tmp_path / "workplace.zip")
    out = tmp_path / "out"
    return convert(source, out), out


def test_workplace_counts_and_schema(workplace: tuple[Any, Path]) -> None:
    report, out = workplace
    assert report.ok
    assert dict(report.created) == {
        "person": 4, "community": 2, "membership": 5, "post": 3, "comment": 4, "reaction": 3,
    }  # fmt: skip
    assert_valid(out)


def test_workplace_people_and_groups(workplace: tuple[Any, Path]) -> None:
    _report, out = workplace
    people = by_id(out, "people")
    assert people["1003"]["active"] is False
    assert people["1004"]["role"] == "guest"
    communities = by_id(out, "communities")
    assert communities["g-100"]["visibility"] == "open"
    assert communities["g-200"]["visibility"] == "secret"
    assert communities["g-200"]["created_at"] == "2021-03-03T08:00:00Z"  # its first post
    secret = {m["person_id"] for m in records(out, "memberships") if m["community_id"] == "g-200"}
    assert secret == {"1002", "1004"}


def test_workplace_content(workplace: tuple[Any, Path]) -> None:
    report, out = workplace
    posts = by_id(out, "posts")
    assert posts["g-100_1"]["body"].startswith(
        "Q1 figures are in, thanks @[Bob Durand](person:1002)!"
    )
    assert posts["g-100_1"]["mentions"] == ["1002"]
    assert posts["g-100_1"]["hashtags"] == ["zero-waste"]
    assert posts["g-100_2"]["body"] == "Café corner is open – come by!"  # mojibake repaired
    assert posts["g-200_1"]["body"] == "Reorg plan **draft**"
    comments = by_id(out, "comments")
    assert "parent_id" not in comments["c-1"]
    assert comments["c-2"]["parent_id"] == "c-1"
    assert comments["c-3"]["parent_id"] == "c-1"  # deeper reply flattened
    kinds = {(r["person_id"], r.get("comment_id")): r["kind"] for r in records(out, "reactions")}
    assert kinds == {
        ("1002", None): "like",
        ("1003", None): "thanks",
        ("1001", "c-1"): "insightful",
    }
    text = "\n".join(report.lines())
    assert "ANGRY reaction on g-100_1 has no equivalent" in text
    assert "ERROR groups/green-office/feed_1.json:3: Duplicate post id g-100_1" in text
    assert "ERROR groups/leadership/feed.jsonl:2: Unreadable JSON" in text
    assert report.skipped["private_message"] == 1  # Work Chat


# --- Helpers ------------------------------------------------------------------------------------


def test_html_to_markdown() -> None:
    html = (
        '<p>Hi <a href="https://example.com/x">there</a> and <a href="javascript:alert(1)">'
        "bad</a></p><ol><li>one</li><li>two<br>lines</li></ol><style>p{}</style><div>end</div>"
    )
    assert html_to_markdown(html) == (
        "Hi [there](https://example.com/x) and bad\n\n1. one\n2. two  \nlines\n\nend"
    )


def test_parse_timestamp_formats() -> None:
    expected = "2021-03-01 09:00:00+00:00"
    for value in (
        "2021/03/01 09:00:00 +0000",
        "2021-03-01T09:00:00Z",
        "2021-03-01T10:00:00+01:00",
        "2021-03-01T09:00:00+0000",
        "2021-03-01 09:00:00 UTC",
        1614589200,
        "1614589200000",
    ):
        assert str(parse_timestamp(value)) == expected, value
    assert parse_timestamp("nonsense") is None


def test_fix_mojibake_leaves_good_text_alone() -> None:
    assert fix_mojibake("Café") == "Café"
    assert fix_mojibake("CafÃ©") == "Café"
