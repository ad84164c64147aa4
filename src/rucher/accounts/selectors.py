"""Reads about people: directory search, org chart, follows, completeness. All go through policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.accounts.models import Follow, OrgUnit, Profile, Site, SpokenLanguage, User
from rucher.accounts.policy import people_listable_by, people_visible_to
from rucher.core.models import Tag

CARD_RELATED = ("profile", "profile__org_unit", "profile__site")


def with_card_data(people: QuerySet[User]) -> QuerySet[User]:
    """What a person card shows, in a fixed number of queries whatever the page length."""
    return people.select_related(*CARD_RELATED).prefetch_related(
        Prefetch("profile__skills", queryset=Tag.objects.order_by("name")),
    )


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    org_unit_id: int | None = None
    site_id: int | None = None
    skill: str = ""
    language: str = ""

    @property
    def active(self) -> bool:
        return bool(self.query or self.org_unit_id or self.site_id or self.skill or self.language)


def directory_search(*, viewer: User, filters: DirectoryFilters) -> QuerySet[User]:
    """Active people the viewer may see, matching every filter given, sorted by name.

    The text query matches words of the name, the job title, or a skill, ignoring case; an
    org unit filter includes its whole subtree.
    """
    people = people_listable_by(viewer, User.objects.all())
    for word in filters.query.split()[:8]:
        people = people.filter(
            Q(display_name__icontains=word)
            | Q(profile__job_title__icontains=word)
            | Q(profile__skills__name__icontains=word)
            | Q(email__istartswith=word)
        )
    if filters.org_unit_id:
        unit = OrgUnit.objects.filter(pk=filters.org_unit_id).first()
        people = (
            people.filter(profile__org_unit__path__startswith=unit.path) if unit else people.none()
        )
    if filters.site_id:
        people = people.filter(profile__site_id=filters.site_id)
    if filters.skill:
        people = people.filter(profile__skills__slug=filters.skill)
    if filters.language:
        people = people.filter(
            Exists(
                SpokenLanguage.objects.filter(profile__user=OuterRef("pk"), code=filters.language)
            )
        )
    return with_card_data(people.distinct()).order_by("display_name", "id")


def org_chart(*, viewer: User, person: User) -> tuple[list[User], list[User]]:
    """The manager chain from the top down to the person's manager, and their direct reports."""
    visible = people_visible_to(viewer, User.objects.all())
    chain: list[User] = []
    seen = {person.pk}
    manager_id = person.profile.manager_id
    while manager_id is not None and manager_id not in seen and len(chain) < 30:
        seen.add(manager_id)
        manager = with_card_data(visible.filter(pk=manager_id)).first()
        if manager is None:
            break
        chain.append(manager)
        manager_id = manager.profile.manager_id
    chain.reverse()
    reports = list(
        with_card_data(visible.filter(profile__manager=person, is_active=True)).order_by(
            "display_name"
        )
    )
    return chain, reports


def following_of(*, viewer: User, person: User) -> QuerySet[User]:
    """People ``person`` follows, as far as ``viewer`` may see them."""
    return with_card_data(
        people_listable_by(viewer, User.objects.filter(follower_links__follower=person))
    ).order_by("display_name")


def followers_of(*, viewer: User, person: User) -> QuerySet[User]:
    return with_card_data(
        people_listable_by(viewer, User.objects.filter(following_links__followed=person))
    ).order_by("display_name")


def follows(*, follower: User, person: User) -> bool:
    return Follow.objects.filter(follower=follower, followed=person).exists()


def newcomers(*, viewer: User, days: int = 60) -> QuerySet[User]:
    since = timezone.now() - datetime.timedelta(days=days)
    return with_card_data(
        people_listable_by(viewer, User.objects.filter(date_joined__gte=since)).exclude(
            pk=viewer.pk
        )
    ).order_by("-date_joined")


def suggested_people(*, viewer: User) -> QuerySet[User]:
    """Colleagues to meet: same skills or interests, not followed yet, not in the same team."""
    profile = viewer.profile
    tag_ids = list(profile.skills.values_list("pk", flat=True)) + list(
        profile.interests.values_list("pk", flat=True)
    )
    if not tag_ids:
        return User.objects.none()
    already = Follow.objects.filter(follower=viewer).values("followed_id")
    candidates = people_listable_by(viewer, User.objects.all()).filter(
        Q(profile__skills__in=tag_ids) | Q(profile__interests__in=tag_ids)
    )
    candidates = candidates.exclude(pk=viewer.pk).exclude(pk__in=already)
    if profile.org_unit_id:
        candidates = candidates.exclude(profile__org_unit_id=profile.org_unit_id)
    return with_card_data(candidates.distinct()).order_by("display_name")


def org_unit_options() -> list[OrgUnit]:
    """Every org unit in tree order, siblings by name (for pickers and filters)."""
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in OrgUnit.objects.order_by("name", "id"):
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[OrgUnit] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.pk, [])))
    return ordered


def site_options() -> list[Site]:
    return list(Site.objects.order_by("name"))


def popular_skills(*, limit: int = 30) -> list[Tag]:
    from django.db.models import Count

    return list(
        Tag.objects.annotate(people=Count("skilled_profiles"))
        .filter(people__gt=0)
        .order_by("-people", "name")[:limit]
    )


@dataclass
class Completeness:
    percent: int
    missing: list[str] = field(default_factory=list)


COMPLETENESS_ITEMS = [
    ("photo", _("a photo")),
    ("job_title", _("your job title")),
    ("org_unit", _("your org unit")),
    ("site", _("your site")),
    ("phone", _("a phone number")),
    ("languages", _("the languages you speak")),
    ("skills", _("your skills and expertise")),
    ("interests", _("your interests")),
    ("bio", _("a short bio")),
]


def profile_completeness(profile: Profile) -> Completeness:
    """Share of the profile filled in, and what is missing, in a stable order."""
    present = {
        "photo": bool(profile.photo),
        "job_title": bool(profile.job_title),
        "org_unit": profile.org_unit_id is not None,
        "site": profile.site_id is not None,
        "phone": bool(profile.phone),
        "languages": profile.languages.exists(),
        "skills": profile.skills.exists(),
        "interests": profile.interests.exists(),
        "bio": bool(profile.bio),
    }
    missing = [str(label) for key, label in COMPLETENESS_ITEMS if not present[key]]
    percent = round(100 * (len(COMPLETENESS_ITEMS) - len(missing)) / len(COMPLETENESS_ITEMS))
    return Completeness(percent=percent, missing=missing)
