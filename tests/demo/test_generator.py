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
from django.test import TestCase, override_settings

from rucher.accounts.models import Follow, OrgUnit, Role, Site, User
from rucher.communities.models import (
    Community,
    CommunityRole,
    CreationRequest,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
)
from rucher.core.models import ConsumerPosition, Event, OrganisationSettings, Tag
from rucher.demo import names
from rucher.demo.generator import (
    DemoError,
    DemoSummary,
    community_catalogue,
    community_count,
    generate,
    plan_organisation,
)
from rucher.demo.management.commands.demo import site_address
from rucher.demo.personas import PERSONAS
from rucher.demo.personas import persona as persona_named
from rucher.notifications.models import Notification

SMALL = 40
SEED = 7
TODAY = datetime.date(2025, 6, 15)
GUESTS = sum(partner.guests for partner in names.PARTNERS)


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
        "communities": sorted(
            (
                community.name,
                community.slug,
                community.kind.code,
                community.visibility,
                community.allows_guests,
                community.is_archived,
                community.created_at.date(),
                community.created_by.email if community.created_by else "",
                community.description,
                community.charter,
                tuple(sorted(tag.name for tag in community.tags.all())),
                community.animator_briefed_at is not None,
            )
            for community in Community.objects.select_related("kind", "created_by")
        ),
        "memberships": sorted(
            Membership.objects.values_list("community__name", "user__email", "role")
        ),
        "join requests": sorted(
            JoinRequest.objects.values_list(
                "community__name", "user__email", "status", "message", "reply"
            )
        ),
        "invitations": sorted(
            Invitation.objects.values_list("community__name", "email", "role", "status")
        ),
        "creation requests": sorted(
            CreationRequest.objects.values_list(
                "name", "requester__email", "animator__email", "status", "community__name"
            )
        ),
    }


def unit_of(person: User) -> OrgUnit:
    unit = person.profile.org_unit
    assert unit is not None, person.email
    return unit


def wipe() -> None:
    """Empty the database the way a fresh one is, inside the test's transaction."""
    Event.objects.all().delete()
    ConsumerPosition.objects.all().delete()
    Notification.objects.all().delete()
    from rucher.content.models import Post
    from rucher.pilots.models import Pilot

    Post.objects.all().delete()  # the demo's profile posts protect their authors
    Pilot.objects.all().delete()  # pilots protect their authors, support and lessons theirs
    CreationRequest.objects.all().delete()  # protects the animators it names
    Community.objects.all().delete()
    OrganisationSettings.objects.all().delete()
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


# Event consumers (notifications) and invitation e-mails run after the load's commit, as in
# production, rather than after each service call as elsewhere in the tests: three times faster.
# TestLoadedDemo keeps them inline, so that it would catch a consumer choking on the demo.
AFTER_COMMIT = override_settings(EVENT_CONSUMERS_INLINE=False)


@pytest.mark.django_db
@AFTER_COMMIT
def test_same_seed_loads_the_same_organisation_into_two_empty_databases():
    generate(people=SMALL, seed=SEED)
    first = snapshot()
    wipe()
    generate(people=SMALL, seed=SEED)
    assert snapshot() == first
    assert len(first["people"]) == SMALL + GUESTS
    assert len(first["communities"]) == community_count(SMALL)
    assert first["memberships"] and first["join requests"] and first["creation requests"]


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


# ---------------------------------------------------------------- communities in the plan


KINDS = {"project", "profession", "best_practice", "interest"}
VISIBILITIES = {"open", "private", "secret"}


def test_communities_grow_with_the_organisation_and_have_a_long_tail():
    plan = plan_organisation(people=300, seed=SEED, today=TODAY)
    assert 30 <= len(plan.communities) <= 40
    assert len(plan_organisation(people=SMALL, seed=SEED, today=TODAY).communities) < 30
    assert 90 <= min(community_count(10_000), len(community_catalogue())) <= 130
    sizes = sorted(sum(1 for m in c.members if m.role != "guest") for c in plan.communities)
    assert 2 <= sum(1 for n in sizes if n >= 60) <= 6, sizes
    assert sizes[-1] <= 150
    assert sum(1 for n in sizes if 5 <= n <= 25) >= len(sizes) / 2, sizes
    assert {c.kind for c in plan.communities} == KINDS
    assert {c.visibility for c in plan.communities} == VISIBILITIES


def test_members_come_mostly_from_the_matching_units_and_skills():
    plan = plan_organisation(people=300, seed=SEED, today=TODAY)
    community = next(c for c in plan.communities if c.name == "Data & IA")
    units = {index: unit.code for index, unit in enumerate(plan.units)}
    skills = {"Python", "SQL", "Statistiques", "Statistics", "Analyse de données"}
    matching = [
        m
        for m in community.members
        if "-DATA" in units.get(plan.people[m.person].unit or 0, "")
        or skills & set(plan.people[m.person].skills)
        or plan.people[m.person].persona
    ]
    assert len(matching) >= 0.6 * len(community.members)
    assert len(matching) < len(community.members), "a few curious colleagues from elsewhere"


def test_planned_dates_are_consistent():
    plan = plan_organisation(people=300, seed=SEED, today=TODAY)
    for community in plan.communities:
        owner = plan.people[community.owner]
        assert community.members[0].role == "owner" and community.members[0].how == "created"
        assert community.created_days_ago <= owner.joined_days_ago
        for member in community.members:
            assert 0 <= member.days_ago <= community.created_days_ago
            assert member.days_ago <= plan.people[member.person].joined_days_ago
            assert not plan.people[member.person].deactivate
    created = [c.created_days_ago for c in plan.communities]
    assert len(set(created)) > len(created) / 2, "opened over many months"


def test_the_catalogue_is_complete_and_its_names_unique():
    catalogue = community_catalogue()
    assert len({info.name for info in catalogue}) == len(catalogue)
    departments = {d.code for division in names.DIVISIONS for d in division.departments}
    keys = {p.key for p in PERSONAS}
    domains = {partner.domain for partner in names.PARTNERS}
    for info in catalogue:
        assert info.kind in KINDS and info.visibility in VISIBILITIES, info.name
        assert info.language in ("fr", "en") and info.pitch and info.tags, info.name
        assert set(info.departments) <= departments, info.name
        assert {key for key, _role in info.personas} <= keys, info.name
        assert set(info.partners + info.invited_partners) <= domains, info.name
        if info.partners:
            assert info.visibility == "private" and info.kind == "project", info.name


# ---------------------------------------------------------------- the load and status commands


@pytest.mark.django_db
@AFTER_COMMIT
def test_load_command_reports_progress_and_a_summary():
    output, err = run("load", "--people", str(SMALL), "--seed", str(SEED), "--if-empty")
    assert f"Loaded {SMALL} people" in output
    assert "people" in err and "done in" in err
    assert User.objects.filter(role=Role.ADMIN).exists()
    status, _err = run("status")
    assert re.search(rf"^people\s+{SMALL + GUESTS}$", status, re.MULTILINE)
    assert re.search(rf"^demo personas\s+{len(PERSONAS)}$", status, re.MULTILINE)
    communities = community_count(SMALL)
    assert re.search(rf"^communities\s+{communities}$", status, re.MULTILINE)
    for label in ("memberships", "pending join requests", "  awaiting review"):
        line = re.search(rf"^{label}\s+(\d+)$", status, re.MULTILINE)
        assert line is not None and int(line.group(1)) > 0, label


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
        assert guests.count() == GUESTS
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

    # ---- communities

    def test_communities_of_every_kind_and_visibility(self) -> None:
        communities = Community.objects.select_related("kind")
        assert {c.kind.code for c in communities} == KINDS
        assert {c.visibility for c in communities} == VISIBILITIES
        assert communities.count() == self.summary.communities == community_count(SMALL)
        assert Membership.objects.count() == self.summary.memberships
        assert all(c.description and c.tags.exists() for c in communities)

    def test_each_community_has_an_active_internal_owner_and_an_animator(self) -> None:
        for community in Community.objects.all():
            roles = Membership.objects.filter(community=community, user__is_active=True)
            owners = roles.filter(role=CommunityRole.OWNER).exclude(user__role=Role.GUEST)
            assert owners.exists(), community.name
            assert roles.filter(role=CommunityRole.ANIMATOR).exists(), community.name
        assert not Membership.objects.filter(user__is_active=False).exists()

    def test_partner_guests_are_guests_of_communities_that_allow_them(self) -> None:
        memberships = Membership.objects.filter(user__role=Role.GUEST).select_related(
            "community__kind", "user__profile"
        )
        assert memberships.exists()
        for membership in memberships:
            assert membership.role == CommunityRole.GUEST
            assert membership.community.allows_guests, membership.community.name
            assert membership.expires_at is not None
        assert len({m.user.profile.company for m in memberships}) == 2
        assert not Membership.objects.filter(role=CommunityRole.GUEST).exclude(
            user__role=Role.GUEST
        )
        # The third partner's designer has an invitation waiting.
        assert Invitation.objects.filter(status="pending", role=CommunityRole.GUEST).exists()

    def test_requests_waiting_settings_and_an_archived_community(self) -> None:
        pending = JoinRequest.objects.filter(status=RequestStatus.PENDING)
        assert pending.exists()
        assert set(pending.values_list("community__visibility", flat=True)) == {"private"}
        assert JoinRequest.objects.filter(status=RequestStatus.ACCEPTED).exists()
        waiting = [r for r in CreationRequest.objects.select_related("requester") if r.is_open]
        assert waiting
        for request in waiting:
            assert request.requester.role == Role.EMPLOYEE
            assert request.animator_id and request.community_id is None
        approved = CreationRequest.objects.filter(status="approved").first()
        assert approved is not None and approved.community is not None
        archived = Community.objects.filter(archived_at__isnull=False)
        assert archived.count() == 1
        assert not pending.filter(community__in=archived).exists()
        settings = OrganisationSettings.current()
        assert settings.guests_allowed
        assert settings.community_creation == OrganisationSettings.CommunityCreation.REQUEST

    def test_personas_have_their_communities(self) -> None:
        hugo = User.objects.get(email=persona_named("animator").email)
        assert Membership.objects.filter(user=hugo, role=CommunityRole.ANIMATOR).count() >= 2
        lea = User.objects.get(email=persona_named("employee").email)
        assert Membership.objects.filter(user=lea, role=CommunityRole.MEMBER).count() >= 3
        assert JoinRequest.objects.filter(
            user=lea, status=RequestStatus.PENDING, community__visibility="private"
        ).exists()
        sophie = User.objects.get(email=persona_named("project_lead").email)
        assert Membership.objects.filter(user=sophie, role=CommunityRole.OWNER).exists()
        output, _err = run("credentials")
        assert "(animator)" in output and "join request pending" in output
        assert "awaiting review" in output

    def test_the_guest_persona_sees_only_their_communities(self) -> None:
        emma = User.objects.get(email=persona_named("guest").email)
        mine = {m.community for m in Membership.objects.filter(user=emma)}
        assert 2 <= len(mine) <= 3
        assert set(Community.objects.visible_to(emma)) == mine
        assert all(c.visibility == "private" and c.kind.code == "project" for c in mine)
        output, _err = run("credentials")
        assert all(community.name in output for community in mine)

    def test_communities_are_in_the_event_log_and_opened_over_months(self) -> None:
        def count(verb: str) -> int:
            return Event.objects.filter(verb=verb).count()

        assert count("community.created") == Community.objects.count()
        assert count("membership.joined") == Membership.objects.count()
        assert count("membership.role_changed") > 0
        assert count("join_request.created") == JoinRequest.objects.count()
        assert count("join_request.accepted") > 0
        assert count("invitation.created") == Invitation.objects.count()
        assert count("invitation.accepted") > 0
        assert count("creation_request.submitted") == CreationRequest.objects.count()
        assert count("creation_request.approved") == 1
        assert count("community.archived") == 1
        assert count("organisation.settings_changed") == 1
        assert Notification.objects.exists(), "the events reached their consumer"
        # community_create takes a date: communities were opened over months, not today.
        today = datetime.date.today()
        ages = [(today - c.created_at.date()).days for c in Community.objects.all()]
        assert sum(1 for age in ages if age > 30) > len(ages) / 2
        assert max(ages) <= 700 and len(set(ages)) > len(ages) / 2
