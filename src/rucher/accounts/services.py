"""Writes about people, the organisation tree and follows. Each records its event."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.languages import SPOKEN_LANGUAGE_CODES
from rucher.accounts.models import (
    ApiToken,
    Follow,
    OrgUnit,
    Profile,
    Role,
    Site,
    SpokenLanguage,
    User,
)
from rucher.accounts.photos import process_photo
from rucher.accounts.policy import access_person, can_manage_people
from rucher.core import clock, events
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.tags import tags_for
from rucher.core.transactions import delete_file_after_commit

PHONE_PATTERN = re.compile(r"^\+?[0-9 ().\-]{4,24}$")
TOKEN_PREFIX = "rch_"

# ---------------------------------------------------------------- people


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(
            _("Enter a valid e-mail address."),
            fields={"email": [_("Enter a valid e-mail address.")]},
        ) from None
    # Stored lower-case so that look-ups are exact matches on the unique index: mail
    # systems treat addresses case-insensitively in practice, and people type them so.
    return email.lower()


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    display_name: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    role: str = Role.EMPLOYEE,
    language: str = "",
    profile: dict[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
) -> User:
    """Create a person and their profile.

    ``password_hash`` lets bulk loaders (the demo, imports) hash one password once instead of
    paying argon2 for each of thousands of people.
    """
    if actor is not None and not can_manage_people(actor):
        raise Forbidden()
    email = _normalise_email(email)
    display_name = " ".join((display_name or "").split()) or email.split("@")[0]
    if role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if User.objects.filter(email=email).exists():
        message = _("Someone already uses this e-mail address.")
        raise Conflict(message, fields={"email": [message]})
    user = User(email=email, display_name=display_name[:120], role=role, language=language)
    if password_hash:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user)
    events.record(
        actor=actor,
        verb="user.created",
        target=user,
        payload={"role": role},
        occurred_at=occurred_at,
    )
    if profile:
        # The profile is part of the creation: its event carries the same (backdated) time,
        # so the log alone tells a person's org unit from their first day.
        with clock.frozen(occurred_at) if occurred_at is not None else nullcontext():
            profile_update(actor=actor or user, person_id=user.pk, changes=profile, _system=True)
    return user


@transaction.atomic
def user_set_role(*, actor: User, person_id: int, role: str) -> User:
    if not can_manage_people(actor):
        raise Forbidden()
    if role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    person = access_person(viewer=actor, person_id=person_id)
    if person.pk == actor.pk and role != Role.ADMIN:
        raise Conflict(_("You cannot remove your own administrator role."))
    previous = person.role
    person.role = role
    person.save(update_fields=["role"])
    events.record(
        actor=actor,
        verb="user.role_changed",
        target=person,
        payload={"from": previous, "to": role},
    )
    return person


@transaction.atomic
def user_deactivate(*, actor: User | None, person_id: int) -> User:
    """Deactivate: no more log-in, gone from pickers; content stays attributed.

    Open sessions end on the very next request: the authentication backend refuses inactive
    users when the session middleware reloads them.
    """
    if actor is not None and not can_manage_people(actor):
        raise Forbidden()
    person = User.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound("person")
    if actor is not None and person.pk == actor.pk:
        raise Conflict(_("You cannot deactivate yourself."))
    if not person.is_active:
        return person
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.save(update_fields=["is_active", "deactivated_at"])
    ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    events.record(actor=actor, verb="user.deactivated", target=person)
    return person


@transaction.atomic
def user_reactivate(*, actor: User | None, person_id: int) -> User:
    if actor is not None and not can_manage_people(actor):
        raise Forbidden()
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("person")
    if person.is_active:
        return person
    person.is_active = True
    person.deactivated_at = None
    person.save(update_fields=["is_active", "deactivated_at"])
    events.record(actor=actor, verb="user.reactivated", target=person)
    return person


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    from django.conf import settings

    if language and language not in dict(settings.LANGUAGES):
        raise Invalid(_("Unknown language."), fields={"language": [_("Unknown language.")]})
    actor.language = language
    actor.save(update_fields=["language"])
    events.record(
        actor=actor, verb="user.language_changed", target=actor, payload={"language": language}
    )
    return actor


@transaction.atomic
def password_change(*, actor: User, current_password: str, new_password: str) -> User:
    if not actor.check_password(current_password):
        message = _("Your current password is not correct.")
        raise Invalid(message, fields={"current_password": [message]})
    set_password(user=actor, new_password=new_password, verb="user.password_changed")
    return actor


def set_password(*, user: User, new_password: str, verb: str) -> None:
    """Validate and store a new password (change or reset), recording ``verb``."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), fields={"new_password": error.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    events.record(actor=user, verb=verb, target=user)


def presence_record(*, user: User, today: datetime.date) -> bool:
    """Record the first authenticated request of the day. Returns whether it was the first.

    The conditional UPDATE makes two simultaneous first requests record a single event.
    """
    with transaction.atomic():
        claimed = (
            User.objects.filter(pk=user.pk)
            .exclude(last_presence_on=today)
            .update(last_presence_on=today)
        )
        if claimed:
            events.record(
                actor=user, verb="user.present", target=user, payload={"day": today.isoformat()}
            )
    user.last_presence_on = today
    return bool(claimed)


# ---------------------------------------------------------------- profiles

PROFILE_TEXT_FIELDS = {"job_title": 120, "phone": 32, "bio": 1000, "company": 120}


@transaction.atomic
def profile_update(
    *, actor: User, person_id: int, changes: dict[str, Any], _system: bool = False
) -> Profile:
    """Change some profile fields. Everyone edits their own; administrators edit anyone's.

    Accepted keys: display_name, job_title, phone, bio, company, org_unit_id, site_id,
    manager_id, languages (codes), skills (names), interests (names).
    """
    if not _system and actor.pk != person_id and not can_manage_people(actor):
        raise Forbidden()
    profile = Profile.objects.select_related("user").get(user_id=person_id)
    person = profile.user
    problems: dict[str, list[str]] = {}
    changed: list[str] = []

    if "display_name" in changes:
        name = " ".join(str(changes["display_name"] or "").split())
        if not name:
            problems["display_name"] = [_("Your name cannot be empty.")]
        elif len(name) > 120:
            problems["display_name"] = [_("At most 120 characters.")]
        elif name != person.display_name:
            person.display_name = name
            person.save(update_fields=["display_name"])
            changed.append("display_name")

    for field, limit in PROFILE_TEXT_FIELDS.items():
        if field not in changes:
            continue
        value = str(changes[field] or "").strip()
        if len(value) > limit:
            problems[field] = [_("At most %d characters.") % limit]
            continue
        if field == "phone" and value and not PHONE_PATTERN.match(value):
            problems[field] = [
                _("Use digits, spaces and + ( ) . - only, for example +33 1 23 45 67 89.")
            ]
            continue
        if getattr(profile, field) != value:
            setattr(profile, field, value)
            changed.append(field)

    if "org_unit_id" in changes:
        org_unit_id = changes["org_unit_id"] or None
        if org_unit_id is not None and not OrgUnit.objects.filter(pk=org_unit_id).exists():
            problems["org_unit_id"] = [_("This org unit does not exist.")]
        elif profile.org_unit_id != org_unit_id:
            profile.org_unit_id = org_unit_id
            changed.append("org_unit")

    if "site_id" in changes:
        site_id = changes["site_id"] or None
        if site_id is not None and not Site.objects.filter(pk=site_id).exists():
            problems["site_id"] = [_("This site does not exist.")]
        elif profile.site_id != site_id:
            profile.site_id = site_id
            changed.append("site")

    if "manager_id" in changes:
        manager_id = changes["manager_id"] or None
        problem = _manager_problem(person, manager_id)
        if problem:
            problems["manager_id"] = [problem]
        elif profile.manager_id != manager_id:
            profile.manager_id = manager_id
            changed.append("manager")

    if "languages" in changes:
        codes = list(dict.fromkeys(code for code in changes["languages"] or [] if code))
        unknown = [code for code in codes if code not in SPOKEN_LANGUAGE_CODES]
        if unknown:
            problems["languages"] = [_("Unknown language: %s.") % ", ".join(unknown)]
        else:
            current = set(profile.languages.values_list("code", flat=True))
            if current != set(codes):
                profile.languages.all().delete()
                SpokenLanguage.objects.bulk_create(
                    [SpokenLanguage(profile=profile, code=code) for code in codes]
                )
                changed.append("languages")

    for field in ("skills", "interests"):
        if field not in changes:
            continue
        try:
            tags = tags_for(_as_names(changes[field]), field=field)
        except Invalid as error:
            problems.update(error.fields)
            continue
        relation = getattr(profile, field)
        if {tag.pk for tag in tags} != set(relation.values_list("pk", flat=True)):
            relation.set(tags)
            changed.append(field)

    if problems:
        transaction.set_rollback(True)
        first = next(iter(problems.values()))[0]
        raise Invalid(first, fields=problems)
    if changed:
        profile.save()
        payload: dict[str, Any] = {"fields": changed}
        # The new values of what analytics follows over time (org unit, manager).
        if "org_unit" in changed:
            payload["org_unit_id"] = profile.org_unit_id
        if "manager" in changed:
            payload["manager_id"] = profile.manager_id
        events.record(actor=actor, verb="profile.updated", target=person, payload=payload)
    return profile


def _as_names(value: Iterable[str] | str | None) -> list[str]:
    from rucher.core.tags import split_tag_input

    if value is None:
        return []
    if isinstance(value, str):
        return split_tag_input(value)
    return [str(item) for item in value]


def _manager_problem(person: User, manager_id: int | None) -> str | None:
    if manager_id is None:
        return None
    if manager_id == person.pk:
        return _("A person cannot be their own manager.")
    manager = User.objects.filter(pk=manager_id, is_active=True).exclude(role=Role.GUEST).first()
    if manager is None:
        return _("This manager does not exist or is no longer active.")
    # Walk up the chain: making someone report to one of their own reports makes a loop.
    seen = {person.pk}
    current: int | None = manager.pk
    while current is not None:
        if current in seen:
            return _("This would make a reporting loop.")
        seen.add(current)
        current = (
            Profile.objects.filter(user_id=current).values_list("manager_id", flat=True).first()
        )
    return None


@transaction.atomic
def profile_photo_set(*, actor: User, person_id: int, upload: UploadedFile) -> Profile:
    if actor.pk != person_id and not can_manage_people(actor):
        raise Forbidden()
    photo, thumbnail = process_photo(upload)
    profile = Profile.objects.get(user_id=person_id)
    _delete_photo_files(profile)
    stem = secrets.token_hex(8)
    profile.photo.save(f"{person_id}-{stem}.jpg", photo, save=False)
    profile.photo_thumbnail.save(f"{person_id}-{stem}.jpg", thumbnail, save=False)
    profile.save(update_fields=["photo", "photo_thumbnail", "updated_at"])
    events.record(actor=actor, verb="profile.photo_changed", target=profile.user)
    return profile


@transaction.atomic
def profile_photo_remove(*, actor: User, person_id: int) -> Profile:
    if actor.pk != person_id and not can_manage_people(actor):
        raise Forbidden()
    profile = Profile.objects.get(user_id=person_id)
    if profile.photo:
        _delete_photo_files(profile)
        profile.photo = ""
        profile.photo_thumbnail = ""
        profile.save(update_fields=["photo", "photo_thumbnail", "updated_at"])
        events.record(actor=actor, verb="profile.photo_removed", target=profile.user)
    return profile


def _delete_photo_files(profile: Profile) -> None:
    delete_file_after_commit(profile.photo)
    delete_file_after_commit(profile.photo_thumbnail)


# ---------------------------------------------------------------- organisation


@transaction.atomic
def org_unit_create(
    *, actor: User | None, name: str, kind: str, parent_id: int | None = None, code: str = ""
) -> OrgUnit:
    if actor is not None and not can_manage_people(actor):
        raise Forbidden()
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("The name cannot be empty."), fields={"name": [_("Required.")]})
    if kind not in OrgUnit.Kind.values:
        raise Invalid(_("Unknown kind of org unit."), fields={"kind": [_("Unknown kind.")]})
    parent = None
    if parent_id is not None:
        parent = OrgUnit.objects.filter(pk=parent_id).first()
        if parent is None:
            raise Invalid(
                _("The parent org unit does not exist."), fields={"parent_id": [_("Not found.")]}
            )
    unit = OrgUnit.objects.create(
        name=name[:120], kind=kind, parent=parent, code=code, path="", depth=0
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    events.record(
        actor=actor, verb="org_unit.created", target=unit, payload={"parent_id": parent_id}
    )
    return unit


@transaction.atomic
def site_create(*, actor: User | None, name: str, city: str = "", country: str = "") -> Site:
    if actor is not None and not can_manage_people(actor):
        raise Forbidden()
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("The name cannot be empty."), fields={"name": [_("Required.")]})
    site, created = Site.objects.get_or_create(
        name=name, defaults={"city": city, "country": country.upper()[:2]}
    )
    if created:
        events.record(actor=actor, verb="site.created", target=site)
    return site


# ---------------------------------------------------------------- follows


@transaction.atomic
def person_follow(*, actor: User, person_id: int) -> Follow:
    person = access_person(viewer=actor, person_id=person_id)
    if person.pk == actor.pk:
        raise Invalid(_("You cannot follow yourself."))
    if not person.is_active:
        raise Conflict(_("This person's account is deactivated."))
    try:
        with transaction.atomic():
            follow, created = Follow.objects.get_or_create(follower=actor, followed=person)
    except IntegrityError:
        follow, created = Follow.objects.get(follower=actor, followed=person), False
    if created:
        events.record(actor=actor, verb="person.followed", target=person)
    return follow


@transaction.atomic
def person_unfollow(*, actor: User, person_id: int) -> None:
    person = access_person(viewer=actor, person_id=person_id)
    deleted, _details = Follow.objects.filter(follower=actor, followed=person).delete()
    if deleted:
        events.record(actor=actor, verb="person.unfollowed", target=person)


# ---------------------------------------------------------------- API tokens


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal token; returns it with its secret, which is never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Give the token a name."), fields={"name": [_("Required.")]})
    if len(name) > 80:
        raise Invalid(_("At most 80 characters."), fields={"name": [_("At most 80 characters.")]})
    if expires_at is not None and expires_at <= timezone.now():
        message = _("The expiry date must be in the future.")
        raise Invalid(message, fields={"expires_at": [message]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        expires_at=expires_at,
    )
    events.record(actor=actor, verb="api_token.created", target=token)
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound("token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        events.record(actor=actor, verb="api_token.revoked", target=token)
    return token


def token_authenticate(secret: str) -> User | None:
    """The active user a token belongs to, or None. Touches ``last_used_at`` once a minute."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
