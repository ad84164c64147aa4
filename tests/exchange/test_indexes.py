"""A large import sets the plain indexes of the tables it fills aside on SQLite, and builds them
again however it ends; a periodic job builds those of an import that was killed
(``exchange.indexes``, decision 0009)."""

from __future__ import annotations

import pytest
from django.db import connection

from rucher.content.models import Comment, Post
from rucher.core import deferred_indexes
from rucher.core.models import Event
from rucher.core.periodic import registered
from rucher.core.process_lock import IMPORT
from rucher.exchange import indexes, services
from rucher.exchange.importer import Interrupted
from rucher.exchange.models import RunStatus
from tests.exchange.helpers import run_import, table_counts, write_folder
from tests.exchange.test_import import sample
from tests.process_locks import held_elsewhere

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"


def all_plain_indexes() -> list[str]:
    return sorted(
        index.name
        for model in indexes.BULK_MODELS
        for index in deferred_indexes.plain_indexes(model)
    )


@pytest.fixture
def large_from_ten(monkeypatch):
    """The tests' files are small: "large" from ten records."""
    monkeypatch.setattr(indexes, "SET_ASIDE_FROM", 10)


def watched_import(folder, **options):
    """Run an import; the indexes missing while it wrote posts, and the run."""
    missing_while_writing: set[str] = set()

    def hook(name: str, line: int) -> None:
        if name == "posts.jsonl":
            missing_while_writing.update(indexes.missing())

    run = run_import(folder, hook=hook, batch_size=4, **options)
    return missing_while_writing, run


def test_the_bulk_tables_have_plain_indexes_and_keep_their_unique_ones():
    names = all_plain_indexes()
    # A feed's, an author's and the event log's indexes are among those set aside...
    assert "content_pos_communi_6e3093_idx" in names
    assert "content_com_post_id_a85ab9_idx" in names
    assert "core_event_target__88cf71_idx" in names
    # ...and nothing that decides what may be written.
    with connection.cursor() as cursor:
        for model in indexes.BULK_MODELS:
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            unique = {name for name, info in constraints.items() if info.get("unique")}
            assert not unique & set(names), table


def test_a_large_import_into_a_small_network_sets_them_aside_and_builds_them_again(
    tmp_path, large_from_ten
):
    folder = write_folder(tmp_path / "in", sample(n_posts=25))
    missing_while_writing, run = watched_import(folder)
    assert run.status == RunStatus.DONE and run.problem_count == 0
    if SQLITE:
        assert sorted(missing_while_writing) == all_plain_indexes()
    else:  # dropping an index on PostgreSQL locks its table against every reader
        assert missing_while_writing == set()
    assert indexes.missing() == []
    assert Post.objects.count() == 25 and Comment.objects.count() == 2
    with IMPORT.taken() as got:  # let go at the end
        assert got


def test_an_import_smaller_than_the_network_keeps_them(tmp_path, large_from_ten):
    run_import(write_folder(tmp_path / "first", sample(n_posts=25)))
    assert Event.objects.count() > 40
    missing_while_writing, run = watched_import(
        write_folder(tmp_path / "second", sample(n_posts=25)), source="another network"
    )
    assert run.status == RunStatus.DONE and run.counts["posts.jsonl"]["created"] == 25
    assert missing_while_writing == set()


def test_a_small_import_keeps_them(tmp_path):
    missing_while_writing, run = watched_import(write_folder(tmp_path / "in", sample(25)))
    assert run.status == RunStatus.DONE
    assert missing_while_writing == set()


def test_a_dry_run_gives_them_back_with_everything_else(tmp_path, large_from_ten):
    before = table_counts()
    missing_while_writing, run = watched_import(
        write_folder(tmp_path / "in", sample(n_posts=25)), dry_run=True
    )
    assert run.status == RunStatus.DONE and run.counts["posts.jsonl"]["created"] == 25
    assert bool(missing_while_writing) is SQLITE
    assert indexes.missing() == []
    after = table_counts()
    assert after.pop("exchange.ImportRun") == before.pop("exchange.ImportRun") + 1
    assert after == before


def test_an_interrupted_import_builds_them_again_and_its_resumed_run_finishes(
    tmp_path, large_from_ten
):
    folder = write_folder(tmp_path / "in", sample(n_posts=25))
    run = services.import_create(actor=None, path=str(folder))

    def stop_in_the_posts(name: str, line: int) -> None:
        if name == "posts.jsonl" and line == 13:
            assert bool(indexes.missing()) is SQLITE
            raise Interrupted("stopped for the test")

    with pytest.raises(Interrupted):
        services.import_execute(run_id=run.pk, hook=stop_in_the_posts, batch_size=4)
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED
    assert indexes.missing() == []
    services.import_execute(run_id=run.pk, batch_size=4)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and Post.objects.count() == 25
    assert indexes.missing() == []


def _periodic_job() -> None:
    (job,) = [job for job in registered() if job.name == "exchange.import_indexes"]
    job.run()


def test_the_indexes_a_killed_import_left_aside_are_built_by_the_worker_not_before_it_ends():
    indexes.set_aside()  # what an import killed half-way leaves
    assert sorted(indexes.missing()) == all_plain_indexes()
    with held_elsewhere(IMPORT):  # the import still runs
        _periodic_job()
        assert sorted(indexes.missing()) == all_plain_indexes()
    _periodic_job()
    assert indexes.missing() == []
    assert indexes.restore_abandoned() == []  # nothing to do now


def test_an_import_while_another_holds_them_aside_leaves_them_to_it(tmp_path, large_from_ten):
    indexes.set_aside()
    with held_elsewhere(IMPORT):
        missing_while_writing, run = watched_import(write_folder(tmp_path / "in", sample(25)))
        assert run.status == RunStatus.DONE and Post.objects.count() == 25
        assert sorted(missing_while_writing) == all_plain_indexes()
        assert sorted(indexes.missing()) == all_plain_indexes()  # the other one builds them
    if not SQLITE:
        # The test's own transaction still holds the import's deferred foreign-key checks,
        # which PostgreSQL runs before it builds an index (a worker's job has its own).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert sorted(indexes.restore_abandoned()) == all_plain_indexes()
