from __future__ import annotations

import pytest
from django.conf import settings

from rucher.accounts.models import User
from rucher.accounts.services import person_follow, profile_update
from rucher.core.errors import Invalid
from rucher.core.models import Event


def test_tests_use_fast_hashing():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_creating_a_person_records_an_event(member):
    assert Event.objects.filter(verb="user.created", target_id=member.pk).exists()
    assert member.profile.skills.count() == 2


def test_manager_loop_is_refused(member, manager):
    with pytest.raises(Invalid) as error:
        profile_update(actor=manager, person_id=manager.pk, changes={"manager_id": member.pk})
    assert "manager_id" in error.value.fields


def test_follow_is_idempotent(member, outsider):
    person_follow(actor=member, person_id=outsider.pk)
    person_follow(actor=member, person_id=outsider.pk)
    assert User.objects.filter(follower_links__follower=member).count() == 1
    assert Event.objects.filter(verb="person.followed").count() == 1
