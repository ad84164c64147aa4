"""pytest fixtures over the shared cast (tests/cast.py), made through services."""

from __future__ import annotations

import pytest

from tests import cast
from tests.cast import PASSWORD, invite_and_accept, make_person

__all__ = ["PASSWORD", "invite_and_accept", "make_person"]


@pytest.fixture
def org(db):
    """A small organisation: company > division > department > two teams, two sites."""
    return cast.build_org()


@pytest.fixture
def admin(org):
    return cast.make_admin(org)


@pytest.fixture
def project_lead(org):
    return cast.make_project_lead(org)


@pytest.fixture
def manager(org):
    return cast.make_manager(org)


@pytest.fixture
def member(org, manager):
    """An ordinary employee (a community member once communities exist)."""
    return cast.make_member(org, manager)


@pytest.fixture
def animator(org, manager):
    return cast.make_animator(org, manager)


@pytest.fixture
def owner(org):
    return cast.make_owner(org)


@pytest.fixture
def outsider(org):
    """An employee who belongs to none of the communities of a test (a non-member)."""
    return cast.make_outsider(org)


@pytest.fixture
def guest(org):
    return cast.make_guest(org)


@pytest.fixture
def deactivated(org):
    return cast.make_deactivated(org)


@pytest.fixture
def personas(admin, project_lead, manager, member, animator, owner, outsider, guest, deactivated):
    return {
        "admin": admin,
        "project_lead": project_lead,
        "manager": manager,
        "member": member,
        "animator": animator,
        "owner": owner,
        "outsider": outsider,
        "guest": guest,
        "deactivated": deactivated,
    }


@pytest.fixture
def other_guest(org):
    """A partner guest of another community than the ones a test looks at."""
    return cast.make_other_guest(org)


@pytest.fixture
def former_member(org):
    return cast.make_former_member(org)


@pytest.fixture
def communities(personas, other_guest, former_member):
    """One community per visibility with the same cast (see cast.build_communities)."""
    return cast.build_communities(personas, other_guest, former_member)
