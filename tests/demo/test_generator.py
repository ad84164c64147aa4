"""The demo organisation: deterministic, coherent, loaded through services, safe to re-run."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import TestCase

from rucher.accounts.models import Follow, OrgUnit, Role, Site, User
from rucher.core.models import Event, Tag
from rucher.demo import names
from rucher.demo.generator import DemoError, DemoSummary, generate, plan_organisation
from rucher.demo.management.commands.demo import site_address
from rucher.demo.personas import PERSONAS

SMALL = 40
SEED = 7
TODAY = datetime.date(2025, 6, 15)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict[str, Any]:
    """The organisation by natural keys only: database ids differ between two loads."""
    people = User.objects.select_related(
        "profile__org_unit", "profile__site", "profile__manager"
    ).prefetch_related("profile__skills", "profile__interests", "profile__languages")
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}

    def unit_path(unit: OrgUnit | None) -> str:
        if unit is None:
            return ""
        return " > ".join(units[int(pk)].name for pk in unit.path.strip("/").split("/"))

    return {
        "units": sorted((unit_path(u), u.kind, u.code) for u in units.values()),
        "sites": sorted(Site.objects.values_list("name", "city", "country")),
        "people": sorted(
            (
                person.email,
                person.display_name,
                person.role,
                person.language,
                person.is_active,
                person.date_joined.date(),
                person.profile.job_title,
                unit_path(person.profile.org_unit),
                person.profile.site.name if person.profile.site else "",
                person.profile.manager.email if person.profile.manager else "",
                person.profile.phone,
                person.profile.bio,
                person.profile.company,
                tuple(sorted(tag.name for tag in person.profile.skills.all())),
                tuple(sorted(tag.name for tag in person.profile.interests.all())),
                tuple(sorted(language.code for language in person.profile.languages.all())),
            )
            for person in people
        ),
        "follows": sorted(Follow.objects.values_list("follower__email", "followed__email")),
    }


def unit_of(person: User) -> OrgUnit:
    unit = person.profile.org_unit
    assert unit is not None, person.email
    return unit


def wipe() -> None:
    """Empty the database the way a fresh one is, inside the test's transaction."""
    Event.objects.all().delete()
    User.objects.all().delete()
    for unit in OrgUnit.objects.order_by("-depth"):  # children first: parents are protected
        unit.delete()
    Site.objects.all().delete()
    Tag.objects.all().delete()


# ---------------------------------------------------------------- determinism


def test_the_plan_depends_only_on_seed_size_and_day():
    first = plan_organisation(people=SMALL, seed=SEED, today=TODAY)
    assert plan_organisation(people=SMALL, seed=SEED, today=TODAY) == first
    other = plan_organisation(people=SMALL, seed=SEED + 1, today=TODAY)
    assert [p.email for p in other.people] != [p.email for p in first.people]


def test_the_generator_never_touches_the_global_random_state():
    import random

    random.seed(1)
    expected = random.random()
    random.seed(1)
    plan_organisation(people=SMALL, seed=SEED, today=TODAY)
    assert random.random() == expected


@pytest.mark.django_db
def test_same_seed_loads_the_same_organisation_into_two_empty_databases():
    generate(people=SMALL, seed=SEED)
    first = snapshot()
    wipe()
    generate(people=SMALL, seed=SEED)
    assert snapshot() == first
    assert len(first["people"]) == SMALL + len(names.PARTNERS)


# ---------------------------------------------------------------- credentials


def test_credentials_use_host_and_port_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8080")
    assert site_address() == "http://127.0.0.1:8080"
    monkeypatch.setenv("HOST", "::1")
    assert site_address() == "http://[::1]:8080"
    monkeypatch.delenv("HOST")
    monkeypatch.delenv("PORT")
    assert site_address() == "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_credentials_warn_when_the_demo_is_not_loaded():
    _output, err = run("credentials")
    assert "rucher demo load" in err


# ---------------------------------------------------------------- the plan (no database)


def test_job_titles_match_the_department():
    plan = plan_organisation(people=300, seed=SEED, today=TODAY)
    departments = {d.name: d for division in names.DIVISIONS for d in division.departments}
    persona_titles = {p.job_title for p in PERSONAS}
    checked = 0
    for person in plan.people:
        if person.unit is None or plan.units[person.unit].kind != "team":
            continue
        team = plan.units[person.unit]
        department = departments[plan.units[team.parent or 0].name]
        allowed = {t for title in department.titles for t in (title.fr_m, title.fr_f, title.en)}
        leads = {names.TEAM_LEAD.fr_m, names.TEAM_LEAD.en}
        assert (
            person.job_title in allowed
            or person.job_title in persona_titles
            or any(person.job_title.startswith(lead) for lead in leads)
        ), person.job_title
        checked += 1
    assert checked > 200


def test_people_are_varied_and_realistic():
    plan = plan_organisation(people=300, seed=SEED, today=TODAY)
    internal = [p for p in plan.people if p.role != Role.GUEST]
    emails = [p.email for p in plan.people]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.\-]+@[a-z\-.]+\.example", e) for e in emails)
    assert {p.language for p in internal} >= {"fr", "en"}
    assert {plan.sites[p.site].name for p in internal if p.site is not None} == {
        "Lyon",
        "Paris",
        "London",
    }
    joined = [p.joined_days_ago for p in internal]
    assert any(days < 60 for days in joined), "some newcomers"
    assert any(days > 5 * 365 for days in joined), "some long-timers"
    assert sum(1 for p in internal if p.phone) > len(internal) / 2
    assert sum(1 for p in internal if p.bio) > len(internal) / 2
    # Skills overlap: the most common skill is shared by many people, and many are rare.
    counts: dict[str, int] = {}
    for person in internal:
        for skill in person.skills:
            counts[skill] = counts.get(skill, 0) + 1
    assert max(counts.values()) >= 15
    assert sum(1 for n in counts.values() if n <= 3) >= 5
    assert 2 <= sum(1 for p in internal if p.deactivate) <= 10


@pytest.mark.parametrize("people", [29, 200_001])
def test_sizes_out_of_range_are_refused_with_a_clear_message(people):
    with pytest.raises(DemoError, match="between"):
        plan_organisation(people=people, seed=SEED)


def test_a_large_organisation_keeps_teams_of_a_human_size():
    plan = plan_organisation(people=3000, seed=SEED, today=TODAY)
    teams = {i for i, unit in enumerate(plan.units) if unit.kind == "team"}
    sizes = Counter(p.unit for p in plan.people if p.unit in teams)
    assert len(sizes) == len(teams)
    assert 4 <= sum(sizes.values()) / len(teams) <= 12
    assert len({p.email for p in plan.people}) == len(plan.people)


# ---------------------------------------------------------------- the load and status commands


@pytest.mark.django_db
def test_load_command_reports_progress_and_a_summary():
    output, err = run("load", "--people", str(SMALL), "--seed", str(SEED), "--if-empty")
    assert f"Loaded {SMALL} people" in output
    assert "people" in err and "done in" in err
    assert User.objects.filter(role=Role.ADMIN).exists()
    status, _err = run("status")
    assert re.search(rf"^people\s+{SMALL + len(names.PARTNERS)}$", status, re.MULTILINE)
    assert re.search(rf"^demo personas\s+{len(PERSONAS)}$", status, re.MULTILINE)


@pytest.mark.django_db
def test_load_command_refuses_a_silly_size():
    with pytest.raises(CommandError, match="--people"):
        run("load", "--people", "3")


# ---------------------------------------------------------------- one loaded organisation


class TestLoadedDemo(TestCase):
    """Checks on one loaded organisation: loading it once keeps the suite fast."""

    summary: DemoSummary

    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = generate(people=SMALL, seed=SEED)

    def test_personas_exist_with_their_roles_and_log_in_with_the_printed_password(self) -> None:
        output, _err = run("credentials")
        printed = re.search(r"password: (\S+)", output)
        assert printed is not None
        for persona in PERSONAS:
            assert persona.email in output
            user = authenticate(email=persona.email, password=printed.group(1))
            assert user is not None, persona.email
            assert user.role == persona.role
            assert user.is_active
        roles = {p.key: p.role for p in PERSONAS}
        assert roles == {
            "employee": Role.EMPLOYEE,
            "animator": Role.EMPLOYEE,
            "project_lead": Role.PROJECT_TEAM,
            "admin": Role.ADMIN,
            "guest": Role.GUEST,
        }

    def test_internal_personas_have_a_full_profile_in_the_organisation(self) -> None:
        for persona in PERSONAS:
            profile = User.objects.get(email=persona.email).profile
            assert profile.job_title == persona.job_title
            if persona.role == Role.GUEST:
                assert profile.company == "Kestrel Consulting Ltd"
                assert profile.org_unit_id is None
            else:
                assert profile.org_unit is not None
                assert profile.org_unit.kind == OrgUnit.Kind.TEAM
                assert profile.manager_id is not None
                assert profile.skills.exists()
                assert profile.bio

    def test_hierarchy_has_one_root_no_loops_and_only_active_internal_managers(self) -> None:
        profiles = {
            user.pk: user
            for user in User.objects.exclude(role=Role.GUEST).select_related(
                "profile__manager", "profile__org_unit", "profile__manager__profile__org_unit"
            )
        }
        roots = [user for user in profiles.values() if user.profile.manager_id is None]
        assert len(roots) == 1
        assert unit_of(roots[0]).kind == OrgUnit.Kind.COMPANY
        for user in profiles.values():
            seen = {user.pk}
            manager = user.profile.manager
            while manager is not None:
                assert manager.pk not in seen, f"reporting loop through {user.email}"
                assert manager.is_active
                assert manager.role != Role.GUEST
                seen.add(manager.pk)
                manager = profiles[manager.pk].profile.manager
            if user.profile.manager:
                # A manager sits in the person's unit or above it, never in another branch.
                manager_unit = unit_of(user.profile.manager)
                assert unit_of(user).path.startswith(manager_unit.path)

    def test_org_tree_is_company_divisions_departments_teams(self) -> None:
        kinds = {unit.depth: unit.kind for unit in OrgUnit.objects.all()}
        assert kinds == {0: "company", 1: "division", 2: "department", 3: "team"}
        assert OrgUnit.objects.filter(kind="division").count() == len(names.DIVISIONS)
        for team in OrgUnit.objects.filter(kind="team"):
            assert team.profiles.exists(), f"{team.name} is empty"

    def test_partner_guests_have_their_company_and_no_place_in_the_organisation(self) -> None:
        guests = User.objects.filter(role=Role.GUEST).select_related("profile")
        assert guests.count() == len(names.PARTNERS)
        assert {g.profile.company for g in guests} == {p.company for p in names.PARTNERS}
        assert all(g.profile.org_unit_id is None and g.profile.manager_id is None for g in guests)

    def test_a_few_people_left_and_none_of_them_manages_anyone(self) -> None:
        gone = User.objects.filter(is_active=False)
        assert gone.count() == self.summary.deactivated >= 1
        assert not User.objects.filter(profile__manager__in=gone).exists()
        assert not gone.filter(email__in=[p.email for p in PERSONAS]).exists()

    def test_everything_created_is_in_the_event_log(self) -> None:
        created = Event.objects.filter(verb="user.created")
        assert set(created.values_list("target_id", flat=True)) == set(
            User.objects.values_list("pk", flat=True)
        )
        assert Event.objects.filter(verb="org_unit.created").count() == self.summary.org_units
        assert Event.objects.filter(verb="site.created").count() == self.summary.sites
        assert Event.objects.filter(verb="person.followed").count() == self.summary.follows > 0
        assert Event.objects.filter(verb="user.deactivated").count() == self.summary.deactivated
        assert Event.objects.count() == self.summary.events
        # The creation events carry the join dates, as the people's records do.
        for event in created.filter(target_id__in=User.objects.values("pk")[:10]):
            person = User.objects.get(pk=int(event.target_id or 0))
            assert event.occurred_at == person.date_joined

    def test_loading_twice_is_refused_and_if_empty_keeps_the_data(self) -> None:
        before = snapshot()
        events = Event.objects.count()
        output, _err = run("load", "--if-empty", "--people", "50", "--seed", "99")
        assert "already holds" in output
        with pytest.raises(CommandError, match="already holds"):
            run("load", "--people", "50")
        assert snapshot() == before
        assert Event.objects.count() == events

    def test_the_generator_refuses_a_database_that_is_not_empty(self) -> None:
        with pytest.raises(DemoError, match="already holds"):
            generate(people=SMALL, seed=SEED)
