"""Import: dry run, resumable runs, bad input, confidentiality and the event log's times."""

from __future__ import annotations

import datetime
import json
import zipfile

import pytest

from rucher.communities.models import Community
from rucher.content.models import Comment, Post
from rucher.core.models import Event
from rucher.exchange.exporter import Exporter
from rucher.exchange.importer import Interrupted
from rucher.exchange.models import ImportRun, RunStatus
from rucher.exchange.validation import KINDS, load_schema, validator
from tests.exchange.helpers import read_jsonl, run_import, table_counts, write_folder

AT = "2021-03-04T10:00:00Z"


def sample(n_posts: int = 5) -> dict[str, list]:
    people = [
        {"id": f"u{i}", "email": f"Person{i}@Example.org", "display_name": f"Person {i}"}
        for i in range(3)
    ]
    communities = [
        {"id": "g1", "name": "Old secret group", "visibility": "secret", "created_at": AT},
        {"id": "g2", "name": "Old open group", "visibility": "open", "created_at": AT},
    ]
    memberships = [
        {"id": "m1", "community_id": "g1", "person_id": "u0", "role": "owner", "joined_at": AT},
        {"id": "m2", "community_id": "g2", "person_id": "u1", "role": "member", "joined_at": AT},
    ]
    posts = [
        {
            "id": f"p{i}",
            "type": "discussion",
            "author_id": "u0",
            "community_id": "g1",
            "created_at": f"2021-03-{5 + i:02d}T10:00:00Z",
            "body": f"Secret history {i} with @[Person 1](person:u1) #legacy",
        }
        for i in range(n_posts)
    ]
    comments = [
        {"id": "c1", "post_id": "p0", "author_id": "u0", "created_at": AT, "body": "Hello"},
        {
            "id": "c2",
            "post_id": "p0",
            "parent_id": "c1",
            "author_id": "u0",
            "created_at": AT,
            "body": "Reply",
        },
    ]
    return {
        "people.jsonl": people,
        "communities.jsonl": communities,
        "memberships.jsonl": memberships,
        "posts.jsonl": posts,
        "comments.jsonl": comments,
    }


def test_schemas_are_valid_draft_2020_12_and_the_fast_checks_agree():
    from jsonschema import Draft202012Validator

    broken = {"id": 3, "type": "nope", "created_at": "yesterday", "email": "x"}
    for kind in (*KINDS, "manifest"):
        schema = load_schema(kind)
        Draft202012Validator.check_schema(schema)
        reference = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert bool(list(reference.iter_errors(broken))) == bool(validator(kind).errors(broken))
    good = sample()["posts.jsonl"][0]
    assert not list(Draft202012Validator(load_schema("posts")).iter_errors(good))
    assert validator("posts").errors(good) == []


@pytest.mark.django_db
def test_dry_run_reports_and_changes_nothing(tmp_path):
    folder = write_folder(tmp_path / "in", sample())
    before = table_counts()
    run = run_import(folder, dry_run=True)
    assert run.status == RunStatus.DONE
    assert run.counts["posts.jsonl"]["created"] == 5
    assert run.counts["people.jsonl"]["created"] == 3
    after = table_counts()
    assert after.pop("exchange.ImportRun") == before.pop("exchange.ImportRun") + 1
    assert after == before


@pytest.mark.django_db
def test_people_are_matched_by_email_in_lower_case(tmp_path, member):
    data = sample()
    data["people.jsonl"][0]["email"] = member.email.upper()
    run = run_import(write_folder(tmp_path / "in", data))
    assert run.counts["people.jsonl"] == {"created": 2, "matched": 1, "unchanged": 0, "skipped": 0}
    assert Post.objects.filter(author=member).count() == 5
    assert (
        not member.memberships.exclude(community__name="Old secret group")
        .filter(community__name__startswith="Old")
        .exists()
    )


@pytest.mark.django_db
def test_events_carry_the_original_times(tmp_path):
    run_import(write_folder(tmp_path / "in", sample()))
    post = Post.objects.get(body__startswith="Secret history 0")
    assert post.created_at == datetime.datetime(2021, 3, 5, 10, tzinfo=datetime.UTC)
    created = Event.objects.get(verb="post.created", target_id=post.pk)
    assert created.occurred_at == post.created_at
    assert created.payload == {"type": "discussion"}
    assert created.community_id == post.community_id
    comment = Comment.objects.get(body="Reply")
    event = Event.objects.get(verb="comment.created", target_id=comment.pk)
    assert event.occurred_at == datetime.datetime(2021, 3, 4, 10, tzinfo=datetime.UTC)
    assert event.payload["parent_id"] == comment.parent_id


@pytest.mark.django_db
def test_imported_secret_content_is_invisible_to_non_members(tmp_path, outsider, client):
    run_import(write_folder(tmp_path / "in", sample()))
    secret = Community.objects.get(name="Old secret group")
    assert secret.visibility == "secret"
    assert not Post.objects.visible_to(outsider).filter(community=secret).exists()
    assert not Community.objects.visible_to(outsider).filter(pk=secret.pk).exists()
    client.force_login(outsider)
    post = Post.objects.filter(community=secret).first()
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert "Secret history" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_interrupted_run_continues_without_duplicates_or_losses(tmp_path):
    data = sample(n_posts=25)
    folder = write_folder(tmp_path / "in", data)
    seen = {"n": 0}

    def hook(name: str, line: int) -> None:
        seen["n"] += 1
        if name == "posts.jsonl" and line == 13:
            raise Interrupted("stopped for the test")

    run = __import__("rucher.exchange.services", fromlist=["x"]).import_create(
        actor=None, path=str(folder)
    )
    from rucher.exchange import services

    with pytest.raises(Interrupted):
        services.import_execute(run_id=run.pk, hook=hook, batch_size=4)
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED
    assert run.position["file"] == "posts.jsonl"
    partial = Post.objects.count()
    assert 0 < partial < 25
    services.import_execute(run_id=run.pk, batch_size=4)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.counts["posts.jsonl"]["created"] == 25
    assert Post.objects.count() == 25
    interrupted_export = tmp_path / "a"
    Exporter().write(interrupted_export)
    assert len(read_jsonl(interrupted_export)["posts.jsonl"]) == 25
    assert Event.objects.filter(verb="post.created").count() == 25


@pytest.mark.django_db
def test_bad_input_is_reported_line_by_line_and_the_rest_imported(tmp_path):
    data = sample()
    data["posts.jsonl"] += [
        {"id": "p0", "type": "discussion", "author_id": "u0", "created_at": AT, "body": "dup"},
        {"id": "p9", "type": "discussion", "author_id": "ghost", "created_at": AT, "body": "x"},
        {
            "id": "p10",
            "type": "discussion",
            "author_id": "u0",
            "created_at": AT,
            "body": "x",
            "colour": "red",
        },
        {"id": "p11", "type": "poll", "author_id": "u0", "created_at": AT, "body": "x"},
        {
            "id": "p12",
            "type": "discussion",
            "author_id": "u0",
            "created_at": "2021-01-01",
            "body": "x",
        },
    ]
    data["comments.jsonl"].append(
        {
            "id": "c3",
            "post_id": "p0",
            "parent_id": "nope",
            "author_id": "u0",
            "created_at": AT,
            "body": "?",
        }
    )
    folder = write_folder(tmp_path / "in", data)
    raw = (folder / "posts.jsonl").read_bytes() + b"{not json\n"
    late = {"id": "p13", "type": "discussion", "author_id": "u0", "created_at": AT}
    raw += (json.dumps({**late, "body": "Café"}, ensure_ascii=False) + "\n").encode("cp1252")
    (folder / "posts.jsonl").write_bytes(b"\xef\xbb\xbf" + raw)
    run = run_import(folder)
    messages = {(p["file"], p.get("line")): p["message"] for p in run.problems}
    assert "duplicate id" in messages[("posts.jsonl", 6)]
    assert "author “ghost” is unknown" in messages[("posts.jsonl", 7)]
    assert "unknown field “colour”" in messages[("posts.jsonl", 8)]
    assert "poll" in messages[("posts.jsonl", 9)]
    assert "created_at" in messages[("posts.jsonl", 10)]
    assert "not valid JSON" in messages[("posts.jsonl", 11)]
    assert messages[("posts.jsonl", None)] == "not UTF-8: read as Windows-1252"
    assert "parent comment “nope” is missing" in messages[("comments.jsonl", 3)]
    assert Post.objects.filter(body="Café").exists()
    assert Post.objects.count() == 5 + 1 + 1  # the five, p10 (unknown field ignored) and p13


@pytest.mark.django_db
def test_a_broken_zip_fails_with_a_clear_report(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not a zip")
    run = run_import(broken)
    assert run.status == RunStatus.FAILED
    assert "not a readable ZIP" in run.error


@pytest.mark.django_db
def test_a_zip_with_files_imports_attachments(tmp_path):
    data = sample(1)
    data["attachments.jsonl"] = [
        {
            "id": "a1",
            "post_id": "p0",
            "name": "plan.txt",
            "path": "files/a1/plan.txt",
            "created_at": AT,
        },
        {
            "id": "a2",
            "post_id": "p0",
            "name": "gone.txt",
            "path": "files/a2/gone.txt",
            "created_at": AT,
        },
    ]
    folder = write_folder(tmp_path / "in", data)
    (folder / "files/a1").mkdir(parents=True)
    (folder / "files/a1/plan.txt").write_text("the plan")
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in folder.rglob("*"):
            if path.is_file():
                bundle.write(path, path.relative_to(folder).as_posix())
    run = run_import(archive)
    assert run.counts["attachments.jsonl"]["created"] == 1
    assert any("gone.txt" in p["message"] for p in run.problems)
    post = Post.objects.get(body__startswith="Secret history 0")
    assert post.attachments.get().file.read() == b"the plan"


@pytest.mark.django_db
def test_a_later_export_of_the_same_source_adds_only_what_is_new(tmp_path):
    run_import(write_folder(tmp_path / "one", sample(3)))
    second = run_import(write_folder(tmp_path / "two", sample(5)))
    assert second.counts["posts.jsonl"] == {
        "created": 2,
        "matched": 0,
        "unchanged": 3,
        "skipped": 0,
    }
    assert Post.objects.count() == 5
    assert ImportRun.objects.count() == 2
