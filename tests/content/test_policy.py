"""Who reads which posts: one policy, ``Post.objects.visible_to`` and ``access_post``."""

from __future__ import annotations

import pytest

from rucher.communities.services import membership_leave
from rucher.content import policy, services
from rucher.content.models import Post
from rucher.core.errors import NotFound

pytestmark = pytest.mark.usefixtures("shared_cast")

READERS = {
    # persona: which communities' posts they read
    "owner": {"open", "private", "secret", "elsewhere"},  # also owns "elsewhere"
    "animator": {"open", "private", "secret"},
    "member": {"open", "private", "secret"},
    "guest": {"open", "private", "secret"},  # a guest of all three (see tests/cast.py)
    "admin": {"open", "private", "secret", "elsewhere"},
    "outsider": {"open"},
    "project_lead": {"open"},
    "former_member": {"open"},
    "other_guest": {"elsewhere"},
    "deactivated": set(),
}


@pytest.fixture
def posts(communities, owner, other_guest):
    made = {
        name: services.post_create(actor=owner, community_id=c.pk, body=f"In {name}")
        for name, c in communities.items()
        if name != "elsewhere"
    }
    made["elsewhere"] = services.post_create(
        actor=other_guest, community_id=communities["elsewhere"].pk, body="Partner talk"
    )
    made["profile"] = services.post_create(actor=owner, community_id=None, body="My profile")
    return made


@pytest.mark.parametrize("persona", sorted(READERS))
def test_who_reads_what(posts, request, persona):
    person = request.getfixturevalue(persona)
    expected = set(READERS[persona])
    if person.is_active and not person.is_guest:
        expected.add("profile")
    by_pk = {post.pk: name for name, post in posts.items()}
    seen = {by_pk[pk] for pk in Post.objects.visible_to(person).values_list("pk", flat=True)}
    assert seen == expected
    for name, post in posts.items():
        if name in expected:
            assert policy.access_post(user=person, post_id=post.pk) == post
        else:
            with pytest.raises(NotFound) as missing:
                policy.access_post(user=person, post_id=post.pk)
            assert str(missing.value) == str(NotFound("post"))


def test_missing_and_forbidden_are_the_same(posts, outsider):
    with pytest.raises(NotFound) as forbidden:
        policy.access_post(user=outsider, post_id=posts["secret"].pk)
    with pytest.raises(NotFound) as missing:
        policy.access_post(user=outsider, post_id=10**9)
    assert (forbidden.value.what, forbidden.value.message) == (
        missing.value.what,
        missing.value.message,
    )


def test_former_members_lose_access(communities, posts, member):
    assert policy.access_post(user=member, post_id=posts["private"].pk)
    membership_leave(actor=member, community_id=communities["private"].pk)
    with pytest.raises(NotFound):
        policy.access_post(user=member, post_id=posts["private"].pk)


def test_deleted_posts_are_invisible_even_to_admins(posts, owner, admin):
    services.post_delete(actor=owner, post_id=posts["open"].pk)
    assert not Post.objects.visible_to(admin).filter(pk=posts["open"].pk).exists()


def test_permissions(communities, posts, owner, animator, member, outsider, admin):
    private = posts["private"]
    assert policy.can_edit(owner, private)
    assert not policy.can_edit(animator, private)
    assert policy.can_delete(animator, private) and policy.can_delete(admin, private)
    assert not policy.can_delete(member, private)
    assert policy.can_comment(member, private)
    assert not policy.can_comment(outsider, private)
    assert policy.can_comment(outsider, posts["open"])
    assert not policy.can_accept_answer(owner, private)  # not a question
    assert policy.can_post(member, communities["secret"])
    assert not policy.can_post(outsider, communities["open"])
