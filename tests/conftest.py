"""pytest fixtures over the shared cast (tests/cast.py), made through services.

A module whose tests only read the cast, or change it inside their own transaction, builds
it once for all of them with ``pytestmark = pytest.mark.usefixtures("shared_cast")``: the
fixtures below then hand each test its own copy of the shared people and communities
(tests/shared.py) instead of making them again (``shared_personas``: the organisation and
the people only, without communities). A module that also shares a heavier world
names its module fixture ``shared_world``: the tests that use it run after the module's other
tests, so that its rows are there only for the tests that asked for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests import cast
from tests.cast import PASSWORD, invite_and_accept, make_person
from tests.kinds import restore_default_kinds
from tests.shared import kept_until_exit, own_copy

__all__ = ["PASSWORD", "invite_and_accept", "make_person"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test of a module sharing rows is marked as using the database. Within each run of
    consecutive tests of one module, those using ``shared_world`` go last. Nothing moves
    across runs: pytest-django has put the tests that flush the database (live server,
    ``transaction=True``) after the others, and the rows of data migrations (community
    kinds) are gone after them."""
    for item in items:
        _database_for_the_shared_rows(item)
    runs: list[int] = []
    previous = None
    for item in items:
        module = item.nodeid.split("::")[0]
        runs.append(len(runs) if module != previous else runs[-1])
        previous = module
    place = {
        id(item): (run, "shared_world" in getattr(item, "fixturenames", ()))
        for item, run in zip(items, runs, strict=True)
    }
    items.sort(key=lambda item: place[id(item)])


SHARED_FIXTURES = frozenset({"shared_cast", "shared_personas", "shared_world"})


def _database_for_the_shared_rows(item: pytest.Item) -> None:
    """A test without a database of its own in a module that shares rows still gets them
    built: pytest-django creates the test databases only for the tests that ask for one, so
    run alone it would find no tables."""
    if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker(
        "django_db"
    ):
        item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a request of a person who chose French
    activates French for the thread (``UserLanguageMiddleware``, like Django's own
    middleware) and nothing puts it back, so a later test of the same worker read French."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def _flushes_the_database(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def default_kinds_after_a_flush(request: pytest.FixtureRequest) -> None:
    """A test on a real transaction (live server, ``transaction=True``) flushes the database
    after it runs, data migrations' rows included: put back the community kinds for it."""
    if _flushes_the_database(request):
        request.getfixturevalue("transactional_db")
        restore_default_kinds()


@pytest.fixture(scope="module")
def shared_cast(django_db_setup, django_db_blocker):
    """The whole cast (organisation, every persona, communities) built once per module."""
    with kept_until_exit(django_db_blocker):
        with django_db_blocker.unblock():
            # Built maybe right after a test that flushed the database (pytest-django runs
            # the tests without a database of their own last, after the flushing ones): the
            # community kinds of the data migrations would be gone.
            restore_default_kinds()
            org = cast.build_org()
            people = cast.build_personas(org)
            communities = cast.build_communities(
                people, people["other_guest"], people["former_member"]
            )
        yield {"org": org, "communities": communities, **people}


@pytest.fixture(scope="module")
def shared_personas(django_db_setup, django_db_blocker):
    """The organisation and the people of ``personas`` only, built once per module, for
    modules whose tests look at people without communities."""
    with kept_until_exit(django_db_blocker):
        with django_db_blocker.unblock():
            org = cast.build_org()
            # In the order of the arguments of ``personas``, as the fixtures make them.
            admin, project_lead = cast.make_admin(org), cast.make_project_lead(org)
            manager = cast.make_manager(org)
            people = {
                "admin": admin,
                "project_lead": project_lead,
                "manager": manager,
                "member": cast.make_member(org, manager),
                "animator": cast.make_animator(org, manager),
                "owner": cast.make_owner(org),
                "outsider": cast.make_outsider(org),
                "guest": cast.make_guest(org),
                "deactivated": cast.make_deactivated(org),
            }
        yield {"org": org, **people}


@pytest.fixture
def shared_copies() -> dict:
    """The deep-copy memo of one test (see tests/shared.py's ``own_copy``)."""
    return {}


def shared_or_made(request: pytest.FixtureRequest, name: str, make: Callable[[], Any]) -> Any:
    for shared in ("shared_cast", "shared_personas"):
        if shared in request.fixturenames:
            made = request.getfixturevalue(shared)
            if name in made:
                return own_copy(request, made[name])
    return make()


@pytest.fixture
def org(request, db):
    """A small organisation: company > division > department > two teams, two sites."""
    return shared_or_made(request, "org", cast.build_org)


@pytest.fixture
def admin(request, org):
    return shared_or_made(request, "admin", lambda: cast.make_admin(org))


@pytest.fixture
def project_lead(request, org):
    return shared_or_made(request, "project_lead", lambda: cast.make_project_lead(org))


@pytest.fixture
def manager(request, org):
    return shared_or_made(request, "manager", lambda: cast.make_manager(org))


@pytest.fixture
def member(request, org, manager):
    """An ordinary employee (a community member once communities exist)."""
    return shared_or_made(request, "member", lambda: cast.make_member(org, manager))


@pytest.fixture
def animator(request, org, manager):
    return shared_or_made(request, "animator", lambda: cast.make_animator(org, manager))


@pytest.fixture
def owner(request, org):
    return shared_or_made(request, "owner", lambda: cast.make_owner(org))


@pytest.fixture
def outsider(request, org):
    """An employee who belongs to none of the communities of a test (a non-member)."""
    return shared_or_made(request, "outsider", lambda: cast.make_outsider(org))


@pytest.fixture
def guest(request, org):
    return shared_or_made(request, "guest", lambda: cast.make_guest(org))


@pytest.fixture
def deactivated(request, org):
    return shared_or_made(request, "deactivated", lambda: cast.make_deactivated(org))


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
def other_guest(request, org):
    """A partner guest of another community than the ones a test looks at."""
    return shared_or_made(request, "other_guest", lambda: cast.make_other_guest(org))


@pytest.fixture
def former_member(request, org):
    return shared_or_made(request, "former_member", lambda: cast.make_former_member(org))


@pytest.fixture
def communities(request, personas, other_guest, former_member):
    """One community per visibility with the same cast (see cast.build_communities)."""
    return shared_or_made(
        request,
        "communities",
        lambda: cast.build_communities(personas, other_guest, former_member),
    )
