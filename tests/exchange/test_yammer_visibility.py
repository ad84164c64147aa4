"""End to end: a Viva Engage (Yammer) export with a private group, converted by the reader,
imported, then read by people: only the group's members see its messages, in the feeds, the
hashtag pages (Rucher's discovery of content by subject; there is no full-text search yet),
the post page and the API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Comment, Post
from rucher.exchange.models import RunStatus
from rucher.exchange.readers import convert
from tests.exchange.helpers import run_import

SAMPLE = Path(__file__).resolve().parent / "samples" / "yammer"
# One more message of the private "Board" group (20), with a hashtag to look it up by.
BOARD_MESSAGE = (
    "120,,120,,20,Board,,true,false,2,user,Bob Durand,bob@example.com,"
    "Board only: the #boardbudget figures are final.,"
    "https://www.yammer.com/api/v1/messages/120,,,,2021/03/06 09:00:00 +0000,,update,77\n"
)
# And one of the open group with the same hashtag, which everybody sees.
OPEN_MESSAGE = (
    "121,,121,,10,Green Office,,false,false,1,user,Alice Martin,alice@example.com,"
    "Everyone: the #boardbudget is public now.,"
    "https://www.yammer.com/api/v1/messages/121,,,,2021/03/06 10:00:00 +0000,,update,77\n"
)


@pytest.fixture
def imported(tmp_path: Path, db: None) -> dict[str, object]:
    export = tmp_path / "export"
    shutil.copytree(SAMPLE, export)
    with (export / "Messages.csv").open("a", encoding="utf-8") as messages:
        messages.write(BOARD_MESSAGE + OPEN_MESSAGE)
    out = tmp_path / "open-format"
    report = convert(export, out)
    assert not report.fatal
    run = run_import(out)
    assert run.status == RunStatus.DONE, run.error
    board = Community.objects.get(name="Board")
    return {
        "board": board,
        "secret": Post.objects.get(community=board, body__startswith="Board only"),
        "budget": Post.objects.get(community=board, body__startswith="Budget draft"),
        "public": Post.objects.get(body__startswith="Everyone"),
        "member": User.objects.get(email="bob@example.com"),
        "guest": User.objects.get(email="eve@partner.example"),
        "non_member": User.objects.get(email="alice@example.com"),
    }


def _sees(client, user: User, world: dict[str, object]) -> dict[str, bool]:
    """What ``user`` sees of the Board's messages, place by place."""
    secret, budget, public = world["secret"], world["budget"], world["public"]
    assert isinstance(secret, Post) and isinstance(budget, Post) and isinstance(public, Post)
    board = world["board"]
    assert isinstance(board, Community)
    client.force_login(user)
    marker = "Board only"
    api_feed = client.get("/api/v1/feed").content.decode()
    api_tag = client.get("/api/v1/hashtags/boardbudget/posts").content.decode()
    tag_page = client.get("/tags/boardbudget/").content.decode()
    if user.role == "employee":
        # The open group's message is there for every employee: the lists work for them.
        assert "is public now" in api_tag and "is public now" in tag_page
    reply = Comment.objects.get(post=budget)
    return {
        "home feed": marker in client.get("/feed/").content.decode(),
        "api feed": marker in api_feed,
        "hashtag page": marker in tag_page,
        "api hashtag": marker in api_tag,
        "post page": client.get(f"/posts/{secret.pk}/").status_code == 200,
        "api post": client.get(f"/api/v1/posts/{secret.pk}").status_code == 200,
        "api comments": client.get(f"/api/v1/posts/{budget.pk}/comments").status_code == 200
        and reply.body in client.get(f"/api/v1/posts/{budget.pk}/comments").content.decode(),
        "community feed": client.get(f"/api/v1/communities/{board.pk}/posts").status_code == 200
        and marker in client.get(f"/api/v1/communities/{board.pk}/posts").content.decode(),
    }


def test_the_private_group_stays_private(client, imported):
    board = imported["board"]
    assert isinstance(board, Community)
    assert board.visibility == "private"
    outside = _sees(client, imported["non_member"], imported)
    assert not any(outside.values()), outside


def test_its_members_see_its_messages(client, imported):
    # Bob, an employee who owns the group, and Eve, a partner guest who took part in it.
    assert imported["guest"].role == "guest"
    for person in ("member", "guest"):
        seen = _sees(client, imported[person], imported)
        assert all(seen.values()), (person, seen)
