"""A deterministic fictional company, Groupe Hélios, loaded through Rucher's services.

Two steps keep it testable and fast:

1. ``plan_organisation`` draws the whole organisation from a seeded ``random.Random`` (never the
   global one): same seed, size and day, same plan. It touches no database.
2. ``load_plan`` writes the plan with the account and community services, so the event log
   records every person, unit, site, follow, community, membership and request exactly as if
   people had done it through Rucher.

``generate`` does both; the demo command and the benchmarks call it.
"""

from __future__ import annotations

import datetime
import heapq
import random
import time
import unicodedata
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from rucher.accounts.models import OrgUnit, Role, User
from rucher.accounts.services import (
    org_unit_create,
    person_follow,
    site_create,
    user_create,
    user_deactivate,
)
from rucher.analytics.lifecycle import compute_stages
from rucher.communities import services as community_services
from rucher.communities.models import Community, CreationRequest
from rucher.core import clock
from rucher.core import events as event_log
from rucher.core.progress import SupportsWrite, reporter
from rucher.demo import names
from rucher.demo.activity import ActivitySummary, load_activity
from rucher.demo.names import CommunityInfo, Department, Division, SiteInfo, Term, Title, term
from rucher.demo.personas import PERSONAS, Persona
from rucher.demo.pilots import PilotsSummary, load_pilots

DEFAULT_PEOPLE = 300
DEFAULT_SEED = 2024
# Below this there is no room for ordinary employees next to the managers and the personas.
MIN_PEOPLE = 30
MAX_PEOPLE = 200_000

TEAM_SIZE = 9  # average, lead included
TEAMS_PER_DEPARTMENT = 3
# Past this, large organisations grow wider teams lists rather than ever more departments.
MAX_DEPARTMENTS = 60
DEACTIVATED_SHARE = 0.02
NEWCOMER_SHARE = 0.05
NEWCOMER_DAYS = 60

# Communities: 34 at 300 people, about 100 at 10 000 (where the catalogue runs out); fewer in
# small organisations, as in the tests, but never fewer than the twelve that show every kind,
# visibility, persona role and kind of request.
COMMUNITIES_AT_300 = 34
COMMUNITY_GROWTH = 0.37  # above 300 people
COMMUNITY_SHRINK = 0.6  # below
MIN_COMMUNITIES = 12
PLATFORM_DAYS = 700  # Rucher opened this long before today: no community is older
PENDING_JOIN_REQUESTS_AT_300 = 5  # besides the employee persona's

Kind = OrgUnit.Kind
PERSONA_NAMES = frozenset(persona.display_name for persona in PERSONAS)


class DemoError(Exception):
    """The demo cannot be loaded as asked; the message says what to do."""


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class UnitPlan:
    name: str
    kind: str
    parent: int | None  # index in OrgPlan.units
    code: str


@dataclass(frozen=True)
class PersonPlan:
    email: str
    display_name: str
    role: str = Role.EMPLOYEE
    language: str = ""
    female: bool = False
    unit: int | None = None  # index in OrgPlan.units
    site: int | None = None  # index in OrgPlan.sites
    manager: int | None = None  # index in OrgPlan.people, always an earlier one
    job_title: str = ""
    phone: str = ""
    bio: str = ""
    company: str = ""
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    spoken: tuple[str, ...] = ()
    joined_days_ago: int = 0
    joined_minute: int = 0  # minutes after 08:30 on the day they joined
    deactivate: bool = False
    persona: str = ""


@dataclass(frozen=True)
class MemberPlan:
    """Someone in (or knocking at) a community; indexes are in OrgPlan.people."""

    person: int
    role: str  # owner, animator, member or guest
    # created (the first owner), joined (an open community), requested (a join request an
    # owner or animator accepted), invited (an invitation they accepted), appointed (the
    # animator named in an approved creation request).
    how: str
    by: int | None = None  # the owner or animator who accepted or invited them
    days_ago: int = 0
    message: str = ""
    reply: str = ""


@dataclass(frozen=True)
class CreationRequestPlan:
    name: str
    kind: str
    visibility: str
    requester: int
    animator: int
    purpose: str
    intended_members: str
    expected_activity: str
    question: str = ""  # asked by the project team, still unanswered


@dataclass(frozen=True)
class CommunityPlan:
    name: str
    kind: str
    visibility: str
    language: str
    description: str
    charter: str | None  # None: the charter of its kind
    tags: tuple[str, ...]
    allows_guests: bool
    created_days_ago: int
    created_minute: int
    members: tuple[MemberPlan, ...]  # the owner it is opened for first, then in joining order
    invitations: tuple[MemberPlan, ...] = ()  # still waiting for an answer
    join_requests: tuple[MemberPlan, ...] = ()  # still waiting for an answer
    archived: bool = False
    briefed_by: int | None = None  # ticked "animator briefed" on the launch checklist
    request: CreationRequestPlan | None = None  # the approved request it was opened through

    @property
    def owner(self) -> int:
        return self.members[0].person


@dataclass(frozen=True)
class OrgPlan:
    seed: int
    today: datetime.date
    sites: tuple[SiteInfo, ...]
    units: tuple[UnitPlan, ...]
    people: tuple[PersonPlan, ...]
    follows: tuple[tuple[int, int], ...]  # (follower, followed) indexes in people
    communities: tuple[CommunityPlan, ...] = ()
    creation_requests: tuple[CreationRequestPlan, ...] = ()  # awaiting review

    @property
    def internal_count(self) -> int:
        return sum(1 for person in self.people if person.role != Role.GUEST)

    def persona_index(self, key: str) -> int:
        return next(i for i, person in enumerate(self.people) if person.persona == key)


@dataclass
class _Team:
    """Planning-time facts about a team that the stored unit does not carry."""

    unit: int
    department: Department
    division: Division
    site: int
    members: list[int] = field(default_factory=list)


def plan_organisation(
    *, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED, today: datetime.date | None = None
) -> OrgPlan:
    """Draw the organisation. Pure: no database, no clock except ``today`` when not given."""
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise DemoError(f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE}, not {people}.")
    return _Planner(people=people, seed=seed, today=today or timezone.localdate()).plan()


class _Planner:
    def __init__(self, *, people: int, seed: int, today: datetime.date) -> None:
        self.size = people
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)
        self.units: list[UnitPlan] = []
        # (division code, department code) of each unit: the company has neither, a division
        # no department. Communities draw their members by department.
        self.unit_codes: dict[int, tuple[str, str]] = {}
        self.people: list[PersonPlan] = []
        self.teams: list[_Team] = []
        self.emails: set[str] = {p.email for p in PERSONAS}
        self.site_cumulative = list(accumulate(site.weight for site in names.SITES))

    # ---- structure

    def plan(self) -> OrgPlan:
        team_count = max(len(names.DIVISIONS), round(self.size / TEAM_SIZE))
        department_count = min(
            MAX_DEPARTMENTS,
            team_count,
            max(len(names.DIVISIONS), round(team_count / TEAMS_PER_DEPARTMENT)),
        )
        managers = 1 + len(names.DIVISIONS) + department_count + team_count
        internal_personas = sum(1 for p in PERSONAS if p.role != Role.GUEST)
        if managers + internal_personas > self.size:  # only reachable if the constants change
            raise DemoError(f"{self.size} people are too few for {managers} managers.")
        divisions, departments = self._plan_units(department_count)
        self._plan_teams(team_count, departments)
        self._plan_managers(divisions, departments)
        self._plan_members(self.size - managers - internal_personas)
        self._plan_departures()
        self._plan_guests()
        follows = self._plan_follows()
        # Drawn after everything else, so that a seed gives the same organisation as before
        # these guests and the communities existed.
        self._plan_more_guests()
        community_planner = _CommunityPlanner(
            rng=self.rng,
            size=self.size,
            people=self.people,
            unit_codes=self.unit_codes,
            units=self.units,
        )
        communities, requests = community_planner.plan()
        return OrgPlan(
            seed=self.seed,
            today=self.today,
            sites=names.SITES,
            units=tuple(self.units),
            people=tuple(self.people),
            follows=tuple(follows),
            communities=tuple(communities),
            creation_requests=tuple(requests),
        )

    def _add_unit(self, name: str, kind: str, parent: int | None, code: str) -> int:
        self.units.append(UnitPlan(name=name, kind=kind, parent=parent, code=code))
        return len(self.units) - 1

    def _plan_units(
        self, department_count: int
    ) -> tuple[list[int], list[tuple[int, Department, Division]]]:
        company = self._add_unit(names.COMPANY_NAME, Kind.COMPANY, None, names.COMPANY_CODE)
        divisions = [
            self._add_unit(d.name, Kind.DIVISION, company, f"{names.COMPANY_CODE}-{d.code}")
            for d in names.DIVISIONS
        ]
        for unit, division in zip(divisions, names.DIVISIONS, strict=True):
            self.unit_codes[unit] = (division.code, "")
        # Departments go round the divisions so each grows evenly; once a division has used its
        # vocabulary, regional variants follow ("Production Nord").
        per_division = [
            len(range(index, department_count, len(names.DIVISIONS)))
            for index in range(len(names.DIVISIONS))
        ]
        departments: list[tuple[int, Department, Division]] = []
        for index, division in enumerate(names.DIVISIONS):
            for occurrence in range(per_division[index]):
                vocabulary = division.departments[occurrence % len(division.departments)]
                variant = occurrence // len(division.departments)
                suffix = (
                    names.DEPARTMENT_VARIANTS[variant]
                    if variant < len(names.DEPARTMENT_VARIANTS)
                    else f" {variant + 1}"
                )
                code = f"{names.COMPANY_CODE}-{division.code}-{vocabulary.code}"
                unit = self._add_unit(
                    vocabulary.name + suffix,
                    Kind.DEPARTMENT,
                    divisions[index],
                    code + (str(variant + 1) if variant else ""),
                )
                self.unit_codes[unit] = (division.code, vocabulary.code)
                departments.append((unit, vocabulary, division))
        return divisions, departments

    def _plan_teams(
        self, team_count: int, departments: list[tuple[int, Department, Division]]
    ) -> None:
        used: dict[int, int] = defaultdict(int)
        for index in range(team_count):
            department_unit, vocabulary, division = departments[index % len(departments)]
            occurrence = used[department_unit]
            used[department_unit] += 1
            site = self._site()
            stem = vocabulary.teams[occurrence % len(vocabulary.teams)]
            repeat = occurrence // len(vocabulary.teams)
            name = term(stem, names.SITES[site].language) + (f" {repeat + 1}" if repeat else "")
            parent_code = self.units[department_unit].code
            unit = self._add_unit(
                name, Kind.TEAM, department_unit, f"{parent_code}-{occurrence + 1:02d}"
            )
            self.unit_codes[unit] = self.unit_codes[department_unit]
            self.teams.append(_Team(unit=unit, department=vocabulary, division=division, site=site))

    def _site(self) -> int:
        draw = self.rng.random() * self.site_cumulative[-1]
        return bisect(self.site_cumulative, draw)

    # ---- people

    def _plan_managers(
        self, divisions: list[int], departments: list[tuple[int, Department, Division]]
    ) -> None:
        """The chain CEO ← division heads ← department heads ← team leads, created top down."""
        french_sites = [i for i, site in enumerate(names.SITES) if site.language == "fr"]
        ceo = self._new_person(
            language="fr",
            site=french_sites[0],
            unit=0,
            manager=None,
            title=names.CEO_TITLE,
            skills=self._leader_skills(),
            joined=self.rng.randint(4000, 7000),
        )
        joined = self.today - datetime.timedelta(days=self.people[ceo].joined_days_ago)
        self.people[ceo] = replace(
            self.people[ceo],
            bio=f"À la tête du groupe depuis {joined.year}. Ma porte est ouverte : écrivez-moi !",
        )
        division_heads: dict[str, int] = {}
        for unit, division in zip(divisions, names.DIVISIONS, strict=True):
            division_heads[division.code] = self._new_person(
                language="fr",
                site=self.rng.choice(french_sites),
                unit=unit,
                manager=ceo,
                title=division.head,
                skills=self._leader_skills(),
                joined=self.rng.randint(1500, 6000),
            )
        department_heads: dict[int, int] = {}
        for unit, vocabulary, division in departments:
            department_heads[unit] = self._new_person(
                language="fr",
                site=self.rng.choice(french_sites),
                unit=unit,
                manager=division_heads[division.code],
                title=names.DEPARTMENT_HEAD,
                title_suffix=self.units[unit].name,
                skills=self._skills(vocabulary, manager=True),
                joined=self.rng.randint(700, 5000),
            )
        for team in self.teams:
            site = names.SITES[team.site]
            team.members.append(
                self._new_person(
                    language=site.language,
                    site=team.site,
                    unit=team.unit,
                    manager=department_heads[self.units[team.unit].parent or 0],
                    title=names.TEAM_LEAD,
                    title_suffix=self.units[team.unit].name,
                    skills=self._skills(team.department, manager=True),
                    joined=self.rng.randint(300, 4500),
                )
            )

    def _plan_members(self, count: int) -> None:
        # Every team gets someone before the rest is spread with uneven weights, so team sizes
        # vary as in a real company without leaving a lead alone.
        order = list(range(len(self.teams)))
        self.rng.shuffle(order)
        assignments = order[: min(count, len(order))]
        cumulative = list(accumulate(self.rng.uniform(0.4, 1.6) for _ in self.teams))
        for _ in range(count - len(assignments)):
            assignments.append(bisect(cumulative, self.rng.random() * cumulative[-1]))
        personas = {p.department: p for p in PERSONAS if p.role != Role.GUEST}
        placed = {code: self._persona_team(code) for code in personas}
        for code, persona in personas.items():
            self._new_persona(persona, self.teams[placed[code]])
        for team_index in assignments:
            team = self.teams[team_index]
            self._new_person(
                language=self._member_language(team.site),
                site=team.site if self.rng.random() < 0.9 else self._site(),
                unit=team.unit,
                manager=team.members[0],
                title=self.rng.choice(team.department.titles),
                skills=self._skills(team.department, manager=False),
                joined=self._member_joined(),
                team=team,
            )

    def _persona_team(self, department_code: str) -> int:
        """The first team of the persona's department, else of its division, else the first."""
        division_code = next(
            d.code for d in names.DIVISIONS if any(x.code == department_code for x in d.departments)
        )
        for matches in (
            lambda t: t.department.code == department_code,
            lambda t: t.division.code == division_code,
        ):
            for index, team in enumerate(self.teams):
                if matches(team):
                    return index
        return 0

    def _new_persona(self, persona: Persona, team: _Team) -> None:
        site = next(i for i, s in enumerate(names.SITES) if s.language == "fr")
        first, last = persona.display_name.split(" ", 1)
        self._new_person(
            language="fr",
            site=site,
            unit=team.unit,
            manager=team.members[0],
            title=persona.job_title,
            skills=self._skills(team.department, manager=False, persona=True),
            joined=self.rng.randint(400, 3000),
            team=team,
            persona=persona,
            name=(first, last),
        )

    def _plan_departures(self) -> None:
        """A few ordinary employees have left: never a manager, a persona or a newcomer."""
        managers = {p.manager for p in self.people if p.manager is not None}
        candidates = [
            index
            for index, person in enumerate(self.people)
            if index not in managers
            and not person.persona
            and person.joined_days_ago > NEWCOMER_DAYS
            and person.role == Role.EMPLOYEE
        ]
        count = min(len(candidates), max(1, round(len(candidates) * DEACTIVATED_SHARE)))
        for index in self.rng.sample(candidates, count):
            self.people[index] = replace(self.people[index], deactivate=True)

    def _plan_guests(self) -> None:
        guest = next(p for p in PERSONAS if p.role == Role.GUEST)
        for number, partner in enumerate(names.PARTNERS):
            language = partner.language
            if number == 0:
                first, last = guest.display_name.split(" ", 1)
                female, email, job = guest.female, guest.email, guest.job_title
            else:
                female = self.rng.random() < 0.5
                first, last = self._name(language, female)
                email = self._email(first, last, partner.domain)
                job = partner.title.for_person(language=language, female=female)
            self.people.append(
                PersonPlan(
                    email=email,
                    display_name=f"{first} {last}",
                    role=Role.GUEST,
                    language="" if number == 0 else language,
                    female=female,
                    job_title=job,
                    company=partner.company,
                    spoken=(language, "fr" if language == "en" else "en"),
                    joined_days_ago=self.rng.randint(10, 200),
                    joined_minute=self.rng.randint(0, 540),
                    persona=guest.key if number == 0 else "",
                )
            )

    def _plan_more_guests(self) -> None:
        """The partners' other guests: the persona's colleague, a second consultant..."""
        for partner in names.PARTNERS:
            for _ in range(partner.guests - 1):
                female = self.rng.random() < 0.5
                first, last = self._name(partner.language, female)
                self.people.append(
                    PersonPlan(
                        email=self._email(first, last, partner.domain),
                        display_name=f"{first} {last}",
                        role=Role.GUEST,
                        language=partner.language,
                        female=female,
                        job_title=partner.title.for_person(
                            language=partner.language, female=female
                        ),
                        company=partner.company,
                        spoken=(partner.language, "fr" if partner.language == "en" else "en"),
                        joined_days_ago=self.rng.randint(10, 200),
                        joined_minute=self.rng.randint(0, 540),
                    )
                )

    def _new_person(
        self,
        *,
        language: str,
        site: int,
        unit: int,
        manager: int | None,
        title: Title | str,
        skills: tuple[Term, ...],
        joined: int,
        title_suffix: str = "",
        team: _Team | None = None,
        persona: Persona | None = None,
        name: tuple[str, str] | None = None,
    ) -> int:
        rng = self.rng
        female = persona.female if persona else rng.random() < 0.5
        first, last = name or self._name(language, female)
        email = persona.email if persona else self._email(first, last, names.EMAIL_DOMAIN)
        job = (
            title if isinstance(title, str) else title.for_person(language=language, female=female)
        )
        if title_suffix:
            job = f"{job} {title_suffix}" if language == "fr" else f"{job}, {title_suffix}"
        skill_names = tuple(term(s, language) for s in skills)
        interests = self._interests(language)
        site_info = names.SITES[site]
        joined_on = self.today - datetime.timedelta(days=joined)
        person = PersonPlan(
            email=email,
            display_name=f"{first} {last}",
            role=persona.role if persona else Role.EMPLOYEE,
            # Personas follow the browser's language so a visitor sees the demo in theirs.
            language="" if persona else (language if rng.random() < 0.9 else ""),
            female=female,
            unit=unit,
            site=site,
            manager=manager,
            job_title=job,
            phone=self._phone(site_info) if persona or rng.random() < 0.8 else "",
            skills=skill_names,
            interests=interests,
            spoken=self._spoken(language),
            joined_days_ago=joined,
            joined_minute=rng.randint(0, 540),
            persona=persona.key if persona else "",
        )
        if persona or rng.random() < 0.7:
            person = replace(
                person,
                bio=self._bio(
                    person,
                    language=language,
                    unit=self.units[unit].name,
                    city=site_info.city,
                    year=joined_on.year,
                ),
            )
        self.people.append(person)
        index = len(self.people) - 1
        if team is not None:
            team.members.append(index)
        return index

    # ---- attributes

    def _name(self, language: str, female: bool) -> tuple[str, str]:
        if language == "fr":
            firsts, lasts = (
                (names.FRENCH_FEMALE if female else names.FRENCH_MALE),
                names.FRENCH_LAST,
            )
        else:
            firsts = names.ENGLISH_FEMALE if female else names.ENGLISH_MALE
            lasts = names.ENGLISH_LAST
        while True:
            first, last = self.rng.choice(firsts), self.rng.choice(lasts)
            # A namesake of a persona would make "log in as Léa Moreau" ambiguous in searches.
            if f"{first} {last}" not in PERSONA_NAMES:
                return first, last

    def _email(self, first: str, last: str, domain: str) -> str:
        stem = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
        email, number = f"{stem}@{domain}", 1
        while email in self.emails:  # namesakes get a number, as mail systems do
            number += 1
            email = f"{stem}{number}@{domain}"
        self.emails.add(email)
        return email

    def _member_language(self, site: int) -> str:
        # Expatriates: some English speakers in France, some French speakers in London.
        home = names.SITES[site].language
        if self.rng.random() < (0.08 if home == "fr" else 0.12):
            return "en" if home == "fr" else "fr"
        return home

    def _member_joined(self) -> int:
        if self.rng.random() < NEWCOMER_SHARE:
            return self.rng.randint(0, NEWCOMER_DAYS - 1)
        return min(NEWCOMER_DAYS + int(self.rng.expovariate(1 / 1300)), 9000)

    def _skills(
        self, department: Department, *, manager: bool, persona: bool = False
    ) -> tuple[Term, ...]:
        rng = self.rng
        chosen = _weighted_sample(rng, department.skills, rng.randint(2, 4))
        chosen += _weighted_sample(rng, names.CROSS_SKILLS, rng.choice((0, 0, 1, 1, 2)))
        if manager:
            chosen.append(("Management", "People management"))
        # Some people never fill in their skills; a persona, shown off in the demo, always
        # does (drawn all the same, so that the rest of the plan does not depend on it).
        if not manager and rng.random() < 0.05 and not persona:
            return ()
        return tuple(dict.fromkeys(chosen))

    def _leader_skills(self) -> tuple[Term, ...]:
        extra = _weighted_sample(self.rng, names.CROSS_SKILLS, 2)
        base: list[Term] = [
            ("Stratégie", "Strategy"),
            "Leadership",
            ("Management", "People management"),
        ]
        return tuple(dict.fromkeys(extra + base))

    def _interests(self, language: str) -> tuple[str, ...]:
        if self.rng.random() < 0.15:
            return ()
        picked = _weighted_sample(self.rng, names.INTERESTS, self.rng.randint(1, 4))
        return tuple(term(interest, language) for interest in picked)

    def _spoken(self, language: str) -> tuple[str, ...]:
        rng = self.rng
        codes = [language]
        other = "en" if language == "fr" else "fr"
        if rng.random() < (0.75 if language == "fr" else 0.35):
            codes.append(other)
        if rng.random() < 0.2:
            codes.append(rng.choice(names.SPOKEN_EXTRA))
        return tuple(dict.fromkeys(codes))

    def _phone(self, site: SiteInfo) -> str:
        a, b = self.rng.randint(0, 99), self.rng.randint(0, 99)
        if site.country == "GB":
            return site.landline.format(a=a % 10, b=b)
        pattern = names.FRENCH_MOBILE if self.rng.random() < 0.3 else site.landline
        return pattern.format(a=a, b=b)

    def _bio(self, person: PersonPlan, *, language: str, unit: str, city: str, year: int) -> str:
        rng = self.rng
        skills = person.skills or ("Excel",)
        interests = person.interests or (("Lecture",) if language == "fr" else ("Reading",))
        interest = rng.choice(interests)
        lower = interest[0].lower() + interest[1:]
        values = {
            "title": person.job_title,
            "year": year,
            "unit": unit,
            "city": city,
            "skill": skills[0],
            "skill2": skills[-1] if len(skills) > 1 else rng.choice(("Excel", "SQL")),
            "interest_l": lower,
            "de_interest": f"d'{lower}" if lower[0] in "aeiouyhéèêâàîô" else f"de {lower}",
            "e": "e" if person.female else "",
        }
        templates = names.BIOS_FR if language == "fr" else names.BIOS_EN
        return rng.choice(templates).format(**values)

    # ---- follows

    def _plan_follows(self) -> list[tuple[int, int]]:
        """Who follows whom: mostly one's manager and teammates, sometimes a skill peer."""
        rng = self.rng
        teams = {team.unit: team.members for team in self.teams}
        by_skill: dict[str, list[int]] = defaultdict(list)
        for index, person in enumerate(self.people):
            if person.role != Role.GUEST:
                for skill in person.skills:
                    by_skill[skill].append(index)
        follows: dict[tuple[int, int], None] = {}
        for index, person in enumerate(self.people):
            # Guests cannot see employees, and people who left stopped following anyone.
            if person.role == Role.GUEST or person.deactivate:
                continue
            keen = person.persona in ("employee", "animator")
            wanted: list[int] = []
            if person.manager is not None and (keen or rng.random() < 0.5):
                wanted.append(person.manager)
            teammates = teams.get(person.unit, []) if person.unit is not None else []
            if teammates:
                wanted += rng.sample(
                    teammates, min(len(teammates), 6 if keen else rng.randint(0, 3))
                )
            for _ in range(4 if keen else (1 if rng.random() < 0.35 else 0)):
                if person.skills:
                    wanted.append(rng.choice(by_skill[rng.choice(person.skills)]))
            for target in wanted:
                if target != index and self.people[target].role != Role.GUEST:
                    follows[(index, target)] = None
        return list(follows)


# ---- communities


def community_count(people: int) -> int:
    """How many communities an organisation of ``people`` gets, before the catalogue runs out."""
    exponent = COMMUNITY_GROWTH if people >= 300 else COMMUNITY_SHRINK
    return max(MIN_COMMUNITIES, round(COMMUNITIES_AT_300 * (people / 300) ** exponent))


@cache
def community_catalogue() -> tuple[CommunityInfo, ...]:
    """Every community the demo can open, most important first.

    The hand-written ones, then, for large organisations, more projects alternating with one
    chapter per site of the clubs (``Club photo — Paris``, ``Photo club — London``).
    """
    projects = [
        CommunityInfo(
            name=name,
            kind=names.PROJECT,
            visibility=visibility,
            language=language,
            pitch=goal,
            tags=tags,
            departments=departments,
            charter=names.CONFIDENTIAL_CHARTER_FR if visibility == names.SECRET else "",
        )
        for name, language, visibility, departments, goal, tags in names.MORE_PROJECTS
    ]
    chapters = [
        replace(
            info,
            name=f"{info.name if site.language == 'fr' else info.name_en} — {site.name}",
            language=site.language,
            pitch=names.CHAPTER_INTRO[site.language].format(
                site=site.name, name=info.name if site.language == "fr" else info.name_en
            )
            + (info.pitch if site.language == "fr" else info.pitch_en),
            topics=info.topics if site.language == "fr" else (),
            size="small",
            site=site.name,
            personas=(),
            name_en="",
            pitch_en="",
        )
        for info in names.COMMUNITIES
        if info.name_en
        for site in names.SITES
    ]
    extras: list[CommunityInfo] = []
    for index in range(max(len(projects), len(chapters))):
        extras += projects[index : index + 1] + chapters[index : index + 1]
    return names.COMMUNITIES + tuple(extras)


@dataclass(frozen=True)
class _Facts:
    """What community planning needs to know about an active internal person."""

    index: int
    division: str
    department: str
    site: str
    spoken: frozenset[str]
    tags: frozenset[str]  # skills and interests, as written in the person's language
    manager: bool
    leader: bool  # the chief executive or a division head
    joined_days_ago: int
    language: str


class _CommunityPlanner:
    """Draws the communities, their members and the requests once the people are planned."""

    def __init__(
        self,
        *,
        rng: random.Random,
        size: int,
        people: list[PersonPlan],
        units: list[UnitPlan],
        unit_codes: dict[int, tuple[str, str]],
    ) -> None:
        self.rng = rng
        self.size = size
        self.people = people
        managers = {p.manager for p in people if p.manager is not None}
        self.facts: list[_Facts] = []
        for index, person in enumerate(people):
            if person.role == Role.GUEST or person.deactivate or person.unit is None:
                continue
            division, department = unit_codes.get(person.unit, ("", ""))
            self.facts.append(
                _Facts(
                    index=index,
                    division=division,
                    department=department,
                    site=names.SITES[person.site].name if person.site is not None else "",
                    spoken=frozenset(person.spoken),
                    tags=frozenset(person.skills + person.interests),
                    manager=index in managers,
                    leader=units[person.unit].kind in (Kind.COMPANY, Kind.DIVISION),
                    joined_days_ago=person.joined_days_ago,
                    language=person.spoken[0] if person.spoken else "fr",
                )
            )
        self.by_index = {fact.index: fact for fact in self.facts}
        self.personas = {p.persona: i for i, p in enumerate(people) if p.persona}
        self.persona_indexes = frozenset(self.personas.values())
        self.departments = {department for _division, department in unit_codes.values()}
        self.guests: dict[str, list[int]] = defaultdict(list)
        for index, person in enumerate(people):
            if person.role == Role.GUEST:
                self.guests[person.email.rsplit("@", 1)[1]].append(index)

    def plan(self) -> tuple[list[CommunityPlan], list[CreationRequestPlan]]:
        fitting = [info for info in community_catalogue() if self._fits(info)]
        communities = [self._community(info) for info in fitting[: community_count(self.size)]]
        self._add_pending_join_requests(communities)
        return communities, self._creation_requests()

    def _fits(self, info: CommunityInfo) -> bool:
        """A community about departments the organisation lacks would gather strangers."""
        return (
            not info.departments or info.leaders or bool(self.departments & set(info.departments))
        )

    # ---- who

    def _eligible(self, info: CommunityInfo) -> list[_Facts]:
        return [
            fact
            for fact in self.facts
            if (not info.site or fact.site == info.site)
            and (not info.speaks or info.speaks in fact.spoken)
            and (not info.managers or fact.manager)
        ]

    def _affinity(self, info: CommunityInfo) -> dict[int, float]:
        """Weight of each eligible person: the community's own people first, a long tail."""
        wanted = {term(t, lang) for t in info.skills + info.interests for lang in ("fr", "en")}
        divisions = {
            division.code
            for division in names.DIVISIONS
            for department in division.departments
            if department.code in info.departments
        }
        targeted = bool(wanted or info.departments or info.leaders)
        weights: dict[int, float] = {}
        for fact in self._eligible(info):
            if not targeted:
                weight = 1.0
            elif (
                fact.department in info.departments
                or fact.tags & wanted
                or (info.leaders and fact.leader)
            ):
                weight = 10.0
            elif fact.division in divisions:
                weight = 2.0
            else:
                weight = 0.3
            weights[fact.index] = weight
        return weights

    def _target(self, info: CommunityInfo, available: int) -> int:
        low, high, growth = names.COMMUNITY_SIZES[info.size]
        wanted = round(self.rng.randint(low, high) * (self.size / 300) ** growth)
        return max(1, min(available, max(4, wanted)))

    def _sample(self, weights: dict[int, float], count: int) -> list[int]:
        """``count`` people drawn without replacement, each in proportion to their weight."""
        keyed = [(self.rng.random() ** (1 / weight), index) for index, weight in weights.items()]
        return [index for _key, index in heapq.nlargest(count, keyed)]

    # ---- one community

    def _community(self, info: CommunityInfo) -> CommunityPlan:
        rng = self.rng
        weights = self._affinity(info)
        personas = {self.personas[key]: role for key, role in info.personas}
        for index in personas:
            weights.pop(index, None)  # placed below, or kept out when they only asked to join
        chosen = self._sample(weights, self._target(info, len(weights)))
        placed = [index for index, role in personas.items() if role != "request"]
        drawn = [i for i in chosen if i not in self.persona_indexes]
        drawn = drawn[: max(0, len(chosen) - len(placed))]
        members = placed + drawn
        # Owners and animators come from the community's own people; personas have only the
        # roles the catalogue gives them, so that their descriptions stay true.
        core = [i for i in drawn if weights[i] >= 10.0] or drawn

        def pick(candidates: list[int], prefer: Callable[[_Facts], bool]) -> int:
            favoured = [i for i in candidates if prefer(self.by_index[i])]
            return rng.choice(favoured if favoured and rng.random() < 0.7 else candidates)

        owners = [i for i, role in personas.items() if role == "owner"]
        if not owners:
            if info.leaders:
                owners = [pick(core, lambda f: f.leader)]
            elif info.kind == names.INTEREST:
                owners = [rng.choice(core)]
            else:
                owners = [pick(core, lambda f: f.manager)]
        animators = [i for i, role in personas.items() if role == "animator"]
        rest = [i for i in core if i not in owners] or [i for i in drawn if i not in owners]
        if not animators and rest:
            animators = [pick(rest, lambda f: not f.manager)]
        rest = [i for i in rest if i not in animators]
        if len(members) >= 10 and rest and rng.random() < 0.3:
            owners.append(pick(rest, lambda f: f.manager))
        rest = [i for i in rest if i not in owners]
        if len(members) >= 40 and rest and rng.random() < 0.5:
            animators.append(rng.choice(rest))

        owner = owners[0]
        created = self._created_days_ago(info, owner)
        roles = dict.fromkeys(owners, "owner") | dict.fromkeys(animators, "animator")
        days: dict[int, int] = {}
        for index in members:
            if index == owner:
                days[index] = created
            elif index in roles:  # the founding team joins within days
                days[index] = created - rng.randint(0, min(10, created))
            else:
                days[index] = int(created * (1 - rng.random() ** 2))
            days[index] = min(days[index], self.people[index].joined_days_ago)
        guests = [i for domain in info.partners for i in self.guests[domain]]
        for index in guests:
            roles[index] = "guest"
            days[index] = min(rng.randint(0, created), self.people[index].joined_days_ago)
        later = sorted((i for i in members + guests if i != owner), key=lambda i: (-days[i], i))
        order = [owner, *later]
        request = self._approved_request(info, owner, animators) if info.requested else None
        plans: list[MemberPlan] = []
        managing: list[int] = []
        for index in order:
            role = roles.get(index, "member")
            plans.append(self._member(info, index, role, days[index], managing, request))
            if role in ("owner", "animator"):
                managing.append(index)
        invitations = tuple(
            MemberPlan(
                person=index,
                role="guest",
                how="invited",
                by=rng.choice(managing),
                message=names.GUEST_INVITATIONS[info.language],
            )
            for domain in info.invited_partners
            for index in self.guests[domain]
        )
        join_requests = tuple(
            MemberPlan(person=index, role="member", how="requested", message=names.LEA_JOIN_MESSAGE)
            for index, role in personas.items()
            if role == "request"
        )
        briefed = None
        if not info.archived and rng.random() < 0.75:
            briefed = owner if info.visibility == names.SECRET else self.personas["project_lead"]
        return CommunityPlan(
            name=info.name,
            kind=info.kind,
            visibility=info.visibility,
            language=info.language,
            description=_community_description(info),
            charter=info.charter
            or (names.CHARTERS_FR[info.kind] if info.language == "fr" else None),
            tags=info.tags,
            allows_guests=bool(info.partners or info.invited_partners),
            created_days_ago=created,
            created_minute=rng.randint(0, 540),
            members=tuple(plans),
            invitations=invitations,
            join_requests=join_requests,
            archived=info.archived,
            briefed_by=briefed,
            request=request,
        )

    def _created_days_ago(self, info: CommunityInfo, owner: int) -> int:
        rng = self.rng
        if info.requested:
            return 0  # approved this week: the services open it today
        if info.archived:
            days = rng.randint(PLATFORM_DAYS * 3 // 5, PLATFORM_DAYS)
        elif info.kind == names.PROJECT:
            days = rng.randint(30, PLATFORM_DAYS * 3 // 5)
        else:
            days = rng.randint(60, PLATFORM_DAYS)
        # Nobody opens a community before joining the company.
        return min(days, self.people[owner].joined_days_ago)

    def _member(
        self,
        info: CommunityInfo,
        index: int,
        role: str,
        days: int,
        managing: list[int],
        request: CreationRequestPlan | None,
    ) -> MemberPlan:
        rng = self.rng
        if not managing:
            return MemberPlan(person=index, role=role, how="created", days_ago=days)
        if request is not None and index == request.animator and role == "animator":
            return MemberPlan(person=index, role=role, how="appointed", days_ago=days)
        by = rng.choice(managing)
        if role == "guest" or info.visibility == names.SECRET:
            message = names.GUEST_INVITATIONS[info.language] if role == "guest" else ""
            return MemberPlan(index, role, "invited", by=by, days_ago=days, message=message)
        if info.visibility == names.OPEN:
            return MemberPlan(person=index, role=role, how="joined", days_ago=days)
        if role != "member" or rng.random() < 0.35:  # the project team is invited
            return MemberPlan(person=index, role=role, how="invited", by=by, days_ago=days)
        language = self.by_index[index].language
        return MemberPlan(
            person=index,
            role=role,
            how="requested",
            by=by,
            days_ago=days,
            message=rng.choice(names.JOIN_MESSAGES[language]),
            reply=rng.choice(names.JOIN_REPLIES[info.language]),
        )

    # ---- requests

    def _approved_request(
        self, info: CommunityInfo, owner: int, animators: list[int]
    ) -> CreationRequestPlan:
        purpose, intended, activity = names.REQUESTED_PURPOSES[info.name]
        return CreationRequestPlan(
            name=info.name,
            kind=info.kind,
            visibility=info.visibility,
            requester=owner,
            animator=animators[0] if animators else owner,
            purpose=purpose,
            intended_members=intended,
            expected_activity=activity,
        )

    def _add_pending_join_requests(self, communities: list[CommunityPlan]) -> None:
        """A few people wait for an answer from private communities."""
        rng = self.rng
        private = [
            number
            for number, community in enumerate(communities)
            if community.visibility == names.PRIVATE and not community.archived
        ]
        if not private:
            return
        wanted = max(2, round(PENDING_JOIN_REQUESTS_AT_300 * (self.size / 300) ** 0.5))
        infos = {info.name: info for info in community_catalogue()}
        for _ in range(wanted):
            number = rng.choice(private)
            community = communities[number]
            taken = {m.person for m in community.members + community.join_requests}
            weights = {
                index: weight
                for index, weight in self._affinity(infos[community.name]).items()
                if index not in taken and not self.people[index].persona
            }
            if not weights:
                continue
            person = self._sample(weights, 1)[0]
            language = self.by_index[person].language
            asking = MemberPlan(
                person=person,
                role="member",
                how="requested",
                days_ago=rng.randint(0, 20),
                message=rng.choice(names.JOIN_MESSAGES[language]),
            )
            communities[number] = replace(
                community, join_requests=(*community.join_requests, asking)
            )

    def _creation_requests(self) -> list[CreationRequestPlan]:
        rng = self.rng
        reviewers = {self.personas["project_lead"], self.personas["admin"]}
        requests: list[CreationRequestPlan] = []
        for (
            name,
            kind,
            visibility,
            terms,
            purpose,
            intended,
            activity,
            question,
        ) in names.CREATION_REQUESTS:
            wanted = {term(t, lang) for t in terms for lang in ("fr", "en")}
            candidates = [f.index for f in self.facts if f.index not in reviewers]
            keen = [i for i in candidates if self.by_index[i].tags & wanted] or candidates
            requester = rng.choice(keen)
            others = [i for i in keen if i != requester] or [
                i for i in candidates if i != requester
            ]
            requests.append(
                CreationRequestPlan(
                    name=name,
                    kind=kind,
                    visibility=visibility,
                    requester=requester,
                    animator=rng.choice(others),
                    purpose=purpose,
                    intended_members=intended,
                    expected_activity=activity,
                    question=question,
                )
            )
        return requests


def _community_description(info: CommunityInfo) -> str:
    parts = [info.pitch]
    if info.topics:
        topics = "\n".join(f"- {topic}" for topic in info.topics)
        parts.append(f"{names.TOPICS_HEADING[info.language]}\n{topics}")
    parts.append(names.DESCRIPTION_ENDINGS[(info.kind, info.language)])
    return "\n\n".join(parts)


def _weighted_sample[T](rng: random.Random, items: tuple[T, ...], count: int) -> list[T]:
    """``count`` distinct items, the first ones of ``items`` being the most likely (1/rank)."""
    pool = list(items)
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    chosen: list[T] = []
    for _ in range(min(count, len(pool))):
        index = rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool.pop(index))
        weights.pop(index)
    return chosen


def _ascii_slug(text: str) -> str:
    """'Lévêque' -> 'leveque', 'Le Gall' -> 'le-gall', "N'Diaye" -> 'ndiaye'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(folded.lower().replace("'", "").split())


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    people: int  # internal people, deactivated included
    guests: int
    deactivated: int
    org_units: int
    sites: int
    follows: int
    events: int
    seconds: float  # the whole load
    people_seconds: float  # creating the people, the bulk of the load
    follows_seconds: float
    communities: int = 0
    memberships: int = 0
    communities_seconds: float = 0.0  # communities, members, requests and invitations
    activity: ActivitySummary | None = None  # posts, comments, reactions... (demo.activity)
    pilots: PilotsSummary | None = None  # pilot programmes (demo.pilots)

    @property
    def people_per_second(self) -> float:
        created = self.people + self.guests
        return created / self.people_seconds if self.people_seconds else 0.0


def generate(
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    progress: SupportsWrite | None = None,
) -> DemoSummary:
    """Plan and load the demo organisation into an empty database.

    ``progress`` is a stream (``sys.stderr``, a command's ``self.stderr``) to report progress
    on, or None for silence.
    """
    return load_plan(plan_organisation(people=people, seed=seed), progress=progress)


def load_plan(plan: OrgPlan, *, progress: SupportsWrite | None = None) -> DemoSummary:
    """Write the plan through the services, all or nothing."""
    from rucher.core.models import Event

    started = time.perf_counter()
    first_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # One transaction: a load interrupted half-way leaves an empty database, which the next
    # ``demo load`` can fill, rather than half an organisation that ``--if-empty`` would keep.
    # It is also what makes SQLite fast here: one commit instead of one per person.
    with transaction.atomic():
        existing = User.objects.count()
        if existing:
            raise DemoError(
                f"The database already holds {existing} people; the demo only loads into an "
                "empty database. Use a fresh data folder (RUCHER_DATA_DIR) or database."
            )
        site_ids = [
            site_create(actor=None, name=s.name, city=s.city, country=s.country).pk
            for s in plan.sites
        ]
        unit_ids: list[int] = []
        for unit in plan.units:
            parent = unit_ids[unit.parent] if unit.parent is not None else None
            created = org_unit_create(
                actor=None, name=unit.name, kind=unit.kind, parent_id=parent, code=unit.code
            )
            unit_ids.append(created.pk)
        phase = time.perf_counter()
        users = _load_people(plan, site_ids, unit_ids, progress)
        people_seconds = time.perf_counter() - phase
        phase = time.perf_counter()
        follows = _load_follows(plan, users, progress)
        follows_seconds = time.perf_counter() - phase
        phase = time.perf_counter()
        community_count_, memberships = _load_communities(plan, users, progress)
        communities_seconds = time.perf_counter() - phase
        # Six months of conversations, before the people who left are deactivated.
        activity = load_activity(plan, users, progress)
        for person, user in zip(plan.people, users, strict=True):
            if person.deactivate:
                user_deactivate(actor=None, person_id=user.pk)
        _backdate_joining(plan, users)
        # The pilots read the analytics (baselines, matching): bring the rollups up to date
        # inside this transaction first.
        event_log.run_consumers(raise_errors=True)
        compute_stages()  # the evaluation reads each community's stage at the pilot's start
        pilots = load_pilots(plan, users)
    events = Event.objects.filter(id__gt=first_event).count()
    return DemoSummary(
        seed=plan.seed,
        people=plan.internal_count,
        guests=len(plan.people) - plan.internal_count,
        deactivated=sum(1 for p in plan.people if p.deactivate),
        org_units=len(plan.units),
        sites=len(plan.sites),
        follows=follows,
        events=events,
        seconds=time.perf_counter() - started,
        people_seconds=people_seconds,
        follows_seconds=follows_seconds,
        communities=community_count_,
        memberships=memberships,
        communities_seconds=communities_seconds,
        activity=activity,
        pilots=pilots,
    )


def _load_people(
    plan: OrgPlan, site_ids: list[int], unit_ids: list[int], progress: SupportsWrite | None
) -> list[User]:
    # Hashing once: argon2 is deliberately slow (~50 ms), which would make 10 000 people take
    # minutes. Every demo account gets the same salted hash of the shared demo password.
    password_hash = make_password(names.DEMO_PASSWORD)
    users: list[User] = []
    with reporter(len(plan.people), "people", progress) as bar:
        for person in plan.people:
            users.append(
                user_create(
                    actor=None,
                    email=person.email,
                    display_name=person.display_name,
                    password_hash=password_hash,
                    role=person.role,
                    language=person.language,
                    profile=_profile_changes(person, site_ids, unit_ids, users),
                    occurred_at=_joined_at(plan, person),
                )
            )
            bar.advance()
    return users


def _profile_changes(
    person: PersonPlan, site_ids: list[int], unit_ids: list[int], users: list[User]
) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "job_title": person.job_title,
        "phone": person.phone,
        "bio": person.bio,
        "company": person.company,
        "languages": list(person.spoken),
        "skills": list(person.skills),
        "interests": list(person.interests),
    }
    if person.unit is not None:
        changes["org_unit_id"] = unit_ids[person.unit]
    if person.site is not None:
        changes["site_id"] = site_ids[person.site]
    if person.manager is not None:
        changes["manager_id"] = users[person.manager].pk
    return {key: value for key, value in changes.items() if value not in ("", [], None)}


def _load_follows(plan: OrgPlan, users: list[User], progress: SupportsWrite | None) -> int:
    with reporter(len(plan.follows), "follows", progress) as bar:
        for follower, followed in plan.follows:
            person_follow(actor=users[follower], person_id=users[followed].pk)
            bar.advance()
    return len(plan.follows)


def _joined_at(plan: OrgPlan, person: PersonPlan) -> datetime.datetime:
    return _moment(plan, person.joined_days_ago, person.joined_minute)


def _backdate_joining(plan: OrgPlan, users: list[User]) -> None:
    """Give people their join date from the plan.

    ``user_create`` records the backdated ``user.created`` event (``occurred_at``) but always
    stamps ``date_joined`` with the current time (``auto_now_add``), and no service sets it.
    Without this, all 300 people would be "newcomers" and join-date statistics meaningless.
    This single bulk update is the one write outside the services; it changes no state that
    the event log describes differently (the events already carry these dates).
    """
    for person, user in zip(plan.people, users, strict=True):
        user.date_joined = _joined_at(plan, person)
    User.objects.bulk_update(users, ["date_joined"], batch_size=500)


def _load_communities(
    plan: OrgPlan, users: list[User], progress: SupportsWrite | None
) -> tuple[int, int]:
    """Open the communities and let people in, each step through the communities services.

    Settings first: partner guests allowed, creation by request. The project lead opens each
    community for its owner, as approving a creation request does, on its planned date;
    what follows is dated by the services themselves (see ``_load_community``).
    """
    admin = users[plan.persona_index("admin")]
    curator = users[plan.persona_index("project_lead")]
    community_services.organisation_settings_update(
        actor=admin, community_creation="request", guests_allowed=True
    )
    total = sum(
        len(c.members) + len(c.invitations) + len(c.join_requests) for c in plan.communities
    )
    memberships = 0
    with reporter(total, "community members", progress) as bar:
        for community in plan.communities:
            memberships += _load_community(plan, community, users, curator, bar.advance)
    for request in plan.creation_requests:
        submitted = _submit(request, users)
        if request.question:
            community_services.creation_request_comment(
                actor=curator, request_id=submitted.pk, body=request.question
            )
    return len(plan.communities), memberships


def _load_community(
    plan: OrgPlan,
    community: CommunityPlan,
    users: list[User],
    curator: User,
    advance: Callable[[], object],
) -> int:
    """One community, its members, roles, pending invitations and requests.

    ``community_create`` takes ``occurred_at``; each member then joins on their planned day
    (``MemberPlan.days_ago``) under ``clock.frozen``, so memberships, roles and their events
    carry the history the analytics read. Pending invitations and requests are of today.
    """
    owner = users[community.owner]
    if community.request is not None:
        created = _open_through_request(community, users, curator)
    else:
        created = community_services.community_create(
            actor=curator,
            owner=owner,
            name=community.name,
            kind=community.kind,
            visibility=community.visibility,
            description=community.description,
            charter=community.charter,
            tags=list(community.tags),
            allows_guests=community.allows_guests,
            occurred_at=_moment(plan, community.created_days_ago, community.created_minute),
        )
    advance()
    for member in community.members[1:]:
        # Each member joins on their planned day: the membership and its events carry it.
        with clock.frozen(_moment(plan, member.days_ago, member.person % 480)):
            _load_member(member, users, created, owner)
        advance()
    for invited in community.invitations:
        community_services.invitation_create(
            actor=users[invited.by] if invited.by is not None else owner,
            community_id=created.pk,
            email=users[invited.person].email,
            message=invited.message,
        )
        advance()
    for asking in community.join_requests:
        community_services.join_request_create(
            actor=users[asking.person], community_id=created.pk, message=asking.message
        )
        advance()
    if community.briefed_by is not None:
        community_services.checklist_mark(
            actor=users[community.briefed_by], community_id=created.pk, item="animator_briefed"
        )
    if community.archived:
        community_services.community_archive(actor=owner, community_id=created.pk)
    return len(community.members)


def _load_member(member: MemberPlan, users: list[User], created: Community, owner: User) -> None:
    """One member in, by the path the plan says (joined, requested, invited), with roles."""
    user = users[member.person]
    by = users[member.by] if member.by is not None else owner
    if member.how == "joined":
        community_services.membership_join(actor=user, community_id=created.pk)
    elif member.how == "requested":
        request = community_services.join_request_create(
            actor=user, community_id=created.pk, message=member.message
        )
        community_services.join_request_decide(
            actor=by, request_id=request.pk, accept=True, reply=member.reply
        )
    elif member.how == "invited":
        invitation, _token = community_services.invitation_create(
            actor=by,
            community_id=created.pk,
            email=user.email,
            role="animator" if member.role == "animator" else "member",
            message=member.message,
        )
        community_services.invitation_accept(actor=user, invitation_id=invitation.pk)
    # An invitation or the approved creation request ("appointed") gave animators their
    # role already; owners besides the first are always promoted.
    if member.role == "owner" or (
        member.role == "animator" and member.how in ("joined", "requested")
    ):
        community_services.membership_set_role(
            actor=owner, community_id=created.pk, user_id=user.pk, role=member.role
        )


def _submit(request: CreationRequestPlan, users: list[User]) -> CreationRequest:
    return community_services.creation_request_submit(
        actor=users[request.requester],
        name=request.name,
        kind=request.kind,
        visibility=request.visibility,
        purpose=request.purpose,
        intended_members=request.intended_members,
        animator_id=users[request.animator].pk,
        expected_activity=request.expected_activity,
    )


def _open_through_request(community: CommunityPlan, users: list[User], curator: User) -> Community:
    """Submitted by its owner, approved by the project lead, then described by its owner."""
    assert community.request is not None
    submitted = _submit(community.request, users)
    approved = community_services.creation_request_decide(
        actor=curator, request_id=submitted.pk, approve=True, reason=""
    )
    assert approved.community is not None
    changes: dict[str, Any] = {
        "description": community.description,
        "tags": list(community.tags),
        "allows_guests": community.allows_guests,
    }
    if community.charter is not None:
        changes["charter"] = community.charter
    return community_services.community_update(
        actor=users[community.owner], community_id=approved.community.pk, changes=changes
    )


def _moment(plan: OrgPlan, days_ago: int, minute: int) -> datetime.datetime:
    """That many days before the plan's day, ``minute`` minutes after 08:30, never ahead."""
    day = plan.today - datetime.timedelta(days=days_ago)
    start = datetime.datetime.combine(day, datetime.time(8, 30), timezone.get_current_timezone())
    return min(start + datetime.timedelta(minutes=minute), timezone.now())
