"""Writes about communities and their members. Each checks policy and records its event."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rucher.accounts.models import Role, User
from rucher.accounts.services import set_password, user_create
from rucher.communities import policy
from rucher.communities.images import process_community_image
from rucher.communities.models import (
    MANAGING_ROLES,
    Community,
    CommunityKind,
    CommunityRole,
    CreationRequest,
    CreationRequestMessage,
    CreationStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
    Visibility,
)
from rucher.core import clock, events
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.models import OrganisationSettings
from rucher.core.tags import split_tag_input, tags_for
from rucher.core.transactions import after_commit, delete_file_after_commit

INVITATION_VALID_DAYS = 30
NAME_MAX = 100
CHECKLIST_ITEMS = ("charter_written", "welcome_posted", "first_members_invited", "animator_briefed")


def _field_error(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def _text(field: str, value: str | None, limit: int) -> str:
    """Trimmed text, refused (never cut) when longer than ``limit``."""
    text = (value or "").strip()
    if len(text) > limit:
        raise _field_error(field, _("At most %d characters.") % limit)
    return text


def _record(
    actor: User | None,
    verb: str,
    community: Community,
    target: Any = None,
    occurred_at: datetime.datetime | None = None,
    **payload: Any,
) -> None:
    events.record(
        actor=actor,
        verb=verb,
        target=target if target is not None else community,
        community_id=community.pk,
        payload=payload,
        occurred_at=occurred_at,
    )


def _locked(community_id: int) -> Community:
    return Community.objects.select_for_update().get(pk=community_id)


# ---------------------------------------------------------------- communities


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise _field_error("name", _("Give the community a name."))
    if len(name) > NAME_MAX:
        raise _field_error("name", _("At most %d characters.") % NAME_MAX)
    return name


# Fixed addresses of the community pages: a community named "New" must not hide /communities/new/.
RESERVED_SLUGS = frozenset({"new", "requests", "invitations", "join", "admin"})


def _free_slug(wanted: str, *, exclude_id: int | None = None) -> str:
    if wanted in RESERVED_SLUGS:
        return ""
    taken = Community.objects.exclude(pk=exclude_id) if exclude_id else Community.objects.all()
    return wanted if not taken.filter(slug=wanted).exists() else ""


def _slug_for(name: str, slug: str | None, *, exclude_id: int | None = None) -> str:
    """A unique address: the one asked for (refused if taken), or one made from the name."""
    if slug:
        clean = slugify(slug)[:100]
        if not clean:
            raise _field_error("slug", _("Use letters, digits and hyphens for the address."))
        if not _free_slug(clean, exclude_id=exclude_id):
            raise Conflict(
                _("The address “%s” is already used by another community.") % clean,
                fields={"slug": [_("Already used by another community.")]},
            )
        return clean
    base = slugify(name)[:90] or "community"
    candidate, number = base, 2
    while not _free_slug(candidate, exclude_id=exclude_id):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _kind(kind_code: str) -> CommunityKind:
    kind = CommunityKind.objects.filter(code=kind_code).first()
    if kind is None:
        raise _field_error("kind", _("Unknown kind of community."))
    return kind


def _language_of(actor: User) -> str | None:
    """The creator's chosen language, else (None) the language of the request."""
    return actor.language or None


def _visibility(value: str) -> str:
    if value not in Visibility.values:
        raise _field_error("visibility", _("Choose open, private or secret."))
    return value


def can_create_directly(user: User) -> bool:
    if not (user.is_active and not user.is_guest):
        return False
    if user.is_project_team:
        return True
    mode = OrganisationSettings.current().community_creation
    return mode == OrganisationSettings.CommunityCreation.DIRECT


@transaction.atomic
def community_create(
    *,
    actor: User,
    name: str,
    kind: str,
    visibility: str | None = None,
    description: str | None = None,
    charter: str | None = None,
    tags: list[str] | str | None = None,
    allows_guests: bool = False,
    slug: str | None = None,
    owner: User | None = None,
    _from_request: bool = False,
    occurred_at: datetime.datetime | None = None,
) -> Community:
    """Create a community; its owner (the actor unless given) becomes its first member.

    Fields left out come from the template of its kind.
    """
    if actor.is_guest:
        raise Forbidden(_("Partner guests cannot open communities."))
    if not _from_request and not can_create_directly(actor):
        raise Forbidden(
            _("Communities are opened through a creation request reviewed by the project team.")
        )
    kind_row = _kind(kind)
    name = _clean_name(name)
    if description is not None:
        description = _text("description", description, 5000)
    if charter is not None:
        charter = _text("charter", charter, 10000)
    # The template speaks the language of whoever will own the community.
    language = _language_of(owner or actor)
    community = Community(
        name=name,
        slug=_slug_for(name, slug),
        kind=kind_row,
        visibility=_visibility(visibility or kind_row.default_visibility),
        description=kind_row.description_template(language) if description is None else description,
        charter=kind_row.default_charter(language) if charter is None else charter,
        allows_guests=allows_guests,
        created_by=actor,
        created_at=occurred_at or clock.now(),
    )
    if community.charter.strip():
        community.charter_written_at = community.created_at
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError:
        raise Conflict(
            _("The address is already used by another community."),
            fields={"slug": [_("Already used by another community.")]},
        ) from None
    if tags:
        names = split_tag_input(tags) if isinstance(tags, str) else tags
        community.tags.set(tags_for(names, field="tags"))
    first_owner = owner or actor
    Membership.objects.create(
        community=community,
        user=first_owner,
        role=CommunityRole.OWNER,
        joined_at=community.created_at,
    )
    # A backdated community (imports, the demo) keeps its history in the log too.
    _record(
        actor,
        "community.created",
        community,
        occurred_at=community.created_at,
        visibility=community.visibility,
        kind=kind_row.code,
    )
    _record(
        actor,
        "membership.joined",
        community,
        target=first_owner,
        occurred_at=community.created_at,
        role=CommunityRole.OWNER,
    )
    return community


COMMUNITY_EDITABLE = (
    "name",
    "description",
    "charter",
    "visibility",
    "allows_guests",
    "tags",
    "slug",
)


@transaction.atomic
def community_update(*, actor: User, community_id: int, changes: dict[str, Any]) -> Community:
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.can_manage(actor, community):
        raise Forbidden()
    community = _locked(community.pk)
    if community.is_archived and set(changes) - {"archived"}:
        raise Conflict(_("This community is archived: it is read-only."))
    changed: list[str] = []
    problems: dict[str, list[str]] = {}
    for field in COMMUNITY_EDITABLE:
        if field not in changes:
            continue
        value = changes[field]
        try:
            if field == "name":
                value = _clean_name(value)
            elif field == "slug":
                value = (
                    _slug_for(community.name, value, exclude_id=community.pk)
                    if value
                    else community.slug
                )
            elif field == "visibility":
                value = _visibility(value)
            elif field == "allows_guests":
                value = bool(value)
            elif field == "tags":
                names = split_tag_input(value) if isinstance(value, str) else list(value or [])
                tags = tags_for(names, field="tags")
                if {t.pk for t in tags} != set(community.tags.values_list("pk", flat=True)):
                    community.tags.set(tags)
                    changed.append("tags")
                continue
            else:
                value = str(value or "").strip()
                limit = 10000 if field == "charter" else 5000
                if len(value) > limit:
                    raise _field_error(field, _("At most %d characters.") % limit)
        except Invalid as error:
            problems.update(error.fields or {field: [error.message]})
            continue
        if getattr(community, field) != value:
            setattr(community, field, value)
            changed.append(field)
    if problems:
        transaction.set_rollback(True)
        raise Invalid(next(iter(problems.values()))[0], fields=problems)
    if "charter" in changed and community.charter and community.charter_written_at is None:
        community.charter_written_at = clock.now()
    if changed:
        community.save()
        _record(actor, "community.updated", community, fields=changed)
    return community


@transaction.atomic
def community_set_image(
    *, actor: User, community_id: int, which: str, upload: UploadedFile | None
) -> Community:
    """Set or (with ``upload=None``) remove the avatar or the banner."""
    if which not in ("avatar", "banner"):
        raise _field_error("which", _("Unknown image."))
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.can_manage(actor, community):
        raise Forbidden()
    field = getattr(community, which)
    delete_file_after_commit(field)
    if upload is not None:
        content = process_community_image(upload, which=which)
        field.save(f"{community.pk}-{secrets.token_hex(6)}.jpg", content, save=False)
    else:
        setattr(community, which, "")
    community.save(update_fields=[which])
    _record(actor, f"community.{which}_changed", community)
    return community


@transaction.atomic
def community_archive(*, actor: User, community_id: int, archived: bool = True) -> Community:
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.is_owner(actor, community):
        raise Forbidden(_("Only an owner or an administrator can archive a community."))
    community = _locked(community.pk)
    if community.is_archived == archived:
        return community
    community.archived_at = clock.now() if archived else None
    community.save(update_fields=["archived_at"])
    _record(actor, "community.archived" if archived else "community.unarchived", community)
    return community


@transaction.atomic
def checklist_mark(*, actor: User, community_id: int, item: str, done: bool = True) -> Community:
    """Tick or untick a launch checklist step (the project team or the community's managers)."""
    if item not in CHECKLIST_ITEMS:
        raise _field_error("item", _("Unknown checklist step."))
    community = policy.access_community(user=actor, community_id=community_id)
    if not (policy.can_manage(actor, community) or actor.is_project_team):
        raise Forbidden()
    field = f"{item}_at"
    if bool(getattr(community, field)) != done:
        setattr(community, field, clock.now() if done else None)
        community.save(update_fields=[field])
        _record(actor, "community.checklist_changed", community, item=item, done=done)
    return community


# ---------------------------------------------------------------- membership


def _require_open_for_changes(community: Community) -> None:
    if community.is_archived:
        raise Conflict(_("This community is archived: it is read-only."))


@transaction.atomic
def membership_join(*, actor: User, community_id: int) -> Membership:
    community = policy.access_community(user=actor, community_id=community_id)
    _require_open_for_changes(community)
    existing = policy.membership_of(actor, community)
    if existing is not None:
        return existing
    if not policy.can_join_directly(actor, community):
        raise Forbidden(_("This community is not open: ask to join, or wait for an invitation."))
    membership = _add_member(
        actor=actor, community=community, user=actor, role=CommunityRole.MEMBER, how="joined"
    )
    return membership


def _add_member(
    *,
    actor: User | None,
    community: Community,
    user: User,
    role: str,
    how: str,
    expires_at: datetime.datetime | None = None,
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        community=community,
        user=user,
        defaults={"role": role, "expires_at": expires_at, "joined_at": clock.now()},
    )
    if not created:
        # An expired guest membership comes back to life with its new dates.
        membership.role, membership.expires_at = role, expires_at
        membership.joined_at = clock.now()
        membership.save(update_fields=["role", "expires_at", "joined_at"])
    _record(actor, "membership.joined", community, target=user, role=role, how=how)
    if community.first_members_invited_at is None and how in ("invited", "accepted_request"):
        community.first_members_invited_at = clock.now()
        community.save(update_fields=["first_members_invited_at"])
    return membership


def _owner_count(community: Community) -> int:
    """Active owners: a deactivated owner cannot hand over or answer requests."""
    return Membership.objects.filter(
        community=community, role=CommunityRole.OWNER, user__is_active=True
    ).count()


@transaction.atomic
def membership_leave(*, actor: User, community_id: int) -> None:
    community = policy.access_community(user=actor, community_id=community_id)
    _locked(community.pk)
    membership = Membership.objects.filter(community=community, user=actor).first()
    if membership is None:
        raise Conflict(_("You are not a member of this community."))
    if membership.role == CommunityRole.OWNER and _owner_count(community) == 1:
        raise Conflict(_("You are the last owner: hand ownership over to someone before leaving."))
    membership.delete()
    _record(actor, "membership.left", community, target=actor, role=membership.role)


def _managed_membership(
    actor: User, community_id: int, user_id: int
) -> tuple[Community, Membership]:
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.can_manage(actor, community):
        raise Forbidden()
    _locked(community.pk)
    membership = Membership.objects.filter(community=community, user_id=user_id).first()
    if membership is None:
        raise NotFound("membership", _("This person is not a member of the community."))
    return community, membership


@transaction.atomic
def membership_remove(*, actor: User, community_id: int, user_id: int) -> None:
    community, membership = _managed_membership(actor, community_id, user_id)
    if membership.role == CommunityRole.OWNER:
        if not policy.is_owner(actor, community):
            raise Forbidden(_("Only an owner can remove another owner."))
        if _owner_count(community) == 1:
            raise Conflict(_("A community must keep at least one owner."))
    membership.delete()
    _record(actor, "membership.removed", community, target=membership.user, role=membership.role)


@transaction.atomic
def membership_set_role(*, actor: User, community_id: int, user_id: int, role: str) -> Membership:
    if role not in CommunityRole.values:
        raise _field_error("role", _("Unknown role."))
    community, membership = _managed_membership(actor, community_id, user_id)
    if membership.role == role:
        return membership
    touches_owner = CommunityRole.OWNER in (role, membership.role)
    if touches_owner and not policy.is_owner(actor, community):
        raise Forbidden(_("Only an owner can give or take the owner role."))
    if membership.role == CommunityRole.OWNER and _owner_count(community) == 1:
        raise Conflict(_("A community must keep at least one owner."))
    person = membership.user
    if person.is_guest and role != CommunityRole.GUEST:
        raise Conflict(_("A partner guest can only be a guest of a community."))
    if not person.is_guest and role == CommunityRole.GUEST:
        raise Conflict(_("The guest role is for partner guests."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _record(
        actor, "membership.role_changed", community, target=person, previous=previous, role=role
    )
    return membership


@transaction.atomic
def ownership_transfer(*, actor: User, community_id: int, new_owner_id: int) -> Membership:
    """The actor hands ownership to a member and stays on as an animator."""
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.is_owner(actor, community):
        raise Forbidden(_("Only an owner can hand ownership over."))
    _locked(community.pk)
    target = Membership.objects.filter(community=community, user_id=new_owner_id).first()
    if target is None or target.user.is_guest or not target.user.is_active:
        raise _field_error("new_owner_id", _("Choose an active internal member of the community."))
    target.role = CommunityRole.OWNER
    target.save(update_fields=["role"])
    mine = Membership.objects.filter(community=community, user=actor).first()
    if mine is not None and mine.role == CommunityRole.OWNER and mine.pk != target.pk:
        mine.role = CommunityRole.ANIMATOR
        mine.save(update_fields=["role"])
    _record(actor, "community.ownership_transferred", community, target=target.user)
    return target


@transaction.atomic
def guest_access_extend(
    *, actor: User, community_id: int, user_id: int, until: datetime.datetime
) -> Membership:
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.can_manage(actor, community):
        raise Forbidden()
    membership = Membership.objects.filter(
        community=community, user_id=user_id, role=CommunityRole.GUEST
    ).first()
    if membership is None:
        raise NotFound("membership", _("This person is not a guest of the community."))
    _require_open_for_changes(community)
    if until <= clock.now():
        raise _field_error("until", _("Choose a date in the future."))
    membership.expires_at = until
    membership.save(update_fields=["expires_at"])
    _record(
        actor,
        "membership.guest_extended",
        community,
        target=membership.user,
        until=until.isoformat(),
    )
    return membership


@transaction.atomic
def guest_access_record_expiries(now: datetime.datetime | None = None) -> int:
    """Record ``membership.expired`` for each guest membership whose ``expires_at`` has passed,
    once (a periodic job): an expiry happens with no request, so nothing else records it, and
    the log's readers (analytics spans, departures) would see the guest as a member forever.

    The event's ``occurred_at`` is the expiry itself, and it is the key of "once": an expired
    membership already having an event at its ``expires_at`` is skipped, while one extended or
    renewed and then expired again gets a new one. Returns how many were recorded."""
    from django.db.models import Exists, OuterRef

    from rucher.core.models import Event

    now = now or clock.now()
    recorded = Event.objects.filter(
        verb="membership.expired",
        target_type=User._meta.label_lower,
        target_id=OuterRef("user_id"),
        community_id=OuterRef("community_id"),
        occurred_at=OuterRef("expires_at"),
    )
    due = (
        Membership.objects.filter(expires_at__lte=now)
        .exclude(Exists(recorded))
        .select_related("community", "user")
        .order_by("expires_at", "pk")
    )
    count = 0
    for membership in due:
        _record(
            None,
            "membership.expired",
            membership.community,
            target=membership.user,
            occurred_at=membership.expires_at,
            role=membership.role,
        )
        count += 1
    return count


# ---------------------------------------------------------------- join requests


@transaction.atomic
def join_request_create(*, actor: User, community_id: int, message: str = "") -> JoinRequest:
    community = policy.access_community(user=actor, community_id=community_id)
    _require_open_for_changes(community)
    if actor.is_guest:
        raise Forbidden(_("Partner guests join communities by invitation only."))
    if policy.membership_of(actor, community) is not None:
        raise Conflict(_("You are already a member of this community."))
    if community.visibility == Visibility.OPEN:
        raise Conflict(_("This community is open: join it directly."))
    if community.visibility == Visibility.SECRET:
        # Only a pending invitation makes a secret community visible; accept it instead.
        raise Conflict(_("Accept your invitation to join this community."))
    message = (message or "").strip()
    if len(message) > 2000:
        raise _field_error("message", _("At most %d characters.") % 2000)
    if JoinRequest.objects.filter(
        community=community, user=actor, status=RequestStatus.PENDING
    ).exists():
        raise Conflict(_("Your request is already waiting for an answer."))
    request = JoinRequest.objects.create(community=community, user=actor, message=message)
    _record(actor, "join_request.created", community, target=request)
    return request


@transaction.atomic
def join_request_cancel(*, actor: User, request_id: int) -> JoinRequest:
    request = JoinRequest.objects.select_for_update().filter(pk=request_id, user=actor).first()
    if request is None:
        raise NotFound("join_request")
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request has already been answered."))
    request.status = RequestStatus.CANCELLED
    request.decided_at = clock.now()
    request.save(update_fields=["status", "decided_at"])
    _record(actor, "join_request.cancelled", request.community, target=request)
    return request


@transaction.atomic
def join_request_decide(
    *, actor: User, request_id: int, accept: bool, reply: str = ""
) -> JoinRequest:
    request = JoinRequest.objects.select_related("community", "user").filter(pk=request_id).first()
    if request is None:
        raise NotFound("join_request")
    community = policy.access_community(user=actor, community_id=request.community_id)
    if not policy.can_manage(actor, community):
        raise NotFound("join_request")
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request has already been answered."))
    reply = _text("reply", reply, 2000)
    _require_open_for_changes(community)
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.reply, request.decided_by, request.decided_at = reply, actor, clock.now()
    request.save(update_fields=["status", "reply", "decided_by", "decided_at"])
    if accept and request.user.is_active:
        _add_member(
            actor=actor,
            community=community,
            user=request.user,
            role=CommunityRole.MEMBER,
            how="accepted_request",
        )
    _record(
        actor,
        "join_request.accepted" if accept else "join_request.declined",
        community,
        target=request,
        requester_id=request.user_id,
    )
    return request


# ---------------------------------------------------------------- invitations


def invitation_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    community_id: int,
    invitee_id: int | None = None,
    email: str | None = None,
    role: str = CommunityRole.MEMBER,
    message: str = "",
    access_until: datetime.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite an internal person (by id, or by their e-mail) or a partner guest (by e-mail).

    Returns the invitation and the secret token of its link, which is never stored.
    """
    community = policy.access_community(user=actor, community_id=community_id)
    if not policy.can_manage(actor, community):
        raise Forbidden()
    _require_open_for_changes(community)
    invitee = _resolve_invitee(actor, invitee_id, email)
    now = clock.now()
    if invitee is not None:
        if invitee.is_guest:
            role = CommunityRole.GUEST
        elif role not in (CommunityRole.MEMBER, CommunityRole.ANIMATOR):
            raise _field_error("role", _("Invite as a member or as an animator."))
        if policy.membership_of(invitee, community) is not None:
            raise Conflict(
                _("%s is already a member of this community.") % invitee.display_name,
                fields={"invitee_id": [_("Already a member.")]},
            )
        address = invitee.email
    else:
        address = _partner_address(email)
        role = CommunityRole.GUEST
    if role == CommunityRole.GUEST:
        _check_guests_allowed(community)
        days = OrganisationSettings.current().guest_access_days
        access_until = access_until or now + datetime.timedelta(days=days)
        if access_until <= now:
            raise _field_error("access_until", _("Choose a date in the future."))
    else:
        access_until = None
    if Invitation.objects.filter(
        community=community,
        email=address,
        status=InvitationStatus.PENDING,
        expires_at__gt=now,
    ).exists():
        raise Conflict(
            _("An invitation to %s is already waiting for an answer.") % address,
            fields={"email": [_("Already invited.")]},
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        community=community,
        invitee=invitee,
        email=address,
        role=role,
        message=_text("message", message, 2000),
        token_digest=invitation_digest(token),
        invited_by=actor,
        expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
        access_until=access_until,
    )
    if community.first_members_invited_at is None:
        community.first_members_invited_at = now
        community.save(update_fields=["first_members_invited_at"])
    _record(
        actor,
        "invitation.created",
        community,
        target=invitation,
        invitee_id=invitee.pk if invitee else None,
        role=role,
    )
    from rucher.communities.tasks import send_invitation_email

    after_commit(lambda: send_invitation_email.enqueue(invitation.pk, token))
    return invitation, token


def _resolve_invitee(actor: User, invitee_id: int | None, email: str | None) -> User | None:
    from rucher.accounts.policy import people_listable_by

    if invitee_id is not None:
        person = people_listable_by(actor, User.objects.filter(pk=invitee_id)).first()
        if person is None:
            raise _field_error("invitee_id", _("This person does not exist or is not active."))
        return person
    if not email:
        raise _field_error("email", _("Choose a colleague or enter an e-mail address."))
    person = User.objects.filter(email=email.strip().lower()).first()
    if person is not None and not person.is_active:
        raise _field_error("email", _("This account is deactivated."))
    return person


def _partner_address(email: str | None) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise _field_error("email", _("Enter a valid e-mail address.")) from None
    return address


def _check_guests_allowed(community: Community) -> None:
    if not OrganisationSettings.current().guests_allowed:
        raise Forbidden(_("Partner guests are not allowed in this organisation."))
    if not community.allows_guests:
        raise Forbidden(_("This community does not accept partner guests; change its settings."))


def invitation_by_token(token: str) -> Invitation:
    """The open invitation behind a link; an unknown or used link is a plain "not found"."""
    invitation = (
        Invitation.objects.select_related("community", "invitee", "invited_by")
        .filter(token_digest=invitation_digest(token or ""))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise NotFound("invitation")
    return invitation


def _open_invitation_for(actor: User, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("community")
        .filter(pk=invitation_id)
        .first()
    )
    if (
        invitation is None
        or not invitation.is_open
        or (invitation.invitee_id != actor.pk and invitation.email != actor.email)
    ):
        raise NotFound("invitation")
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, invitation_id: int) -> Membership:
    invitation = _open_invitation_for(actor, invitation_id)
    community = invitation.community
    _require_open_for_changes(community)
    if invitation.role == CommunityRole.GUEST:
        if not actor.is_guest:
            raise Conflict(_("This invitation is for a partner guest account."))
        _check_guests_allowed(community)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.answered_at = clock.now()
    invitation.invitee = actor
    invitation.save(update_fields=["status", "answered_at", "invitee"])
    membership = _add_member(
        actor=actor,
        community=community,
        user=actor,
        role=invitation.role,
        how="invited",
        expires_at=invitation.access_until if invitation.role == CommunityRole.GUEST else None,
    )
    _record(actor, "invitation.accepted", community, target=invitation)
    return membership


@transaction.atomic
def invitation_refuse(*, actor: User, invitation_id: int) -> Invitation:
    invitation = _open_invitation_for(actor, invitation_id)
    invitation.status = InvitationStatus.REFUSED
    invitation.answered_at = clock.now()
    invitation.save(update_fields=["status", "answered_at"])
    _record(actor, "invitation.refused", invitation.community, target=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_related("community").filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("invitation")
    community = policy.access_community(user=actor, community_id=invitation.community_id)
    if not policy.can_manage(actor, community):
        raise NotFound("invitation")
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_("This invitation has already been answered."))
    invitation.status = InvitationStatus.REVOKED
    invitation.answered_at = clock.now()
    invitation.save(update_fields=["status", "answered_at"])
    _record(actor, "invitation.revoked", community, target=invitation)
    return invitation


@transaction.atomic
def guest_signup(*, token: str, display_name: str, password: str, company: str = "") -> User:
    """A partner accepts an e-mailed invitation: their guest account is made, then joined."""
    invitation = invitation_by_token(token)
    if invitation.role != CommunityRole.GUEST:
        raise NotFound("invitation")
    if User.objects.filter(email=invitation.email).exists():
        raise Conflict(_("An account already uses this address: log in to accept."))
    _check_guests_allowed(invitation.community)
    guest = user_create(
        actor=None,
        email=invitation.email,
        display_name=display_name,
        password_hash=make_password(None),
        role=Role.GUEST,
        profile={"company": company} if company else None,
    )
    set_password(user=guest, new_password=password, verb="user.password_set")
    invitation_accept(actor=guest, invitation_id=invitation.pk)
    return guest


# ---------------------------------------------------------------- creation requests


@transaction.atomic
def creation_request_submit(
    *,
    actor: User,
    name: str,
    kind: str,
    visibility: str,
    purpose: str,
    intended_members: str,
    animator_id: int,
    expected_activity: str,
) -> CreationRequest:
    from rucher.accounts.policy import people_listable_by

    if actor.is_guest or not actor.is_active:
        raise Forbidden()
    problems: dict[str, list[str]] = {}
    for field, value in (
        ("purpose", purpose),
        ("intended_members", intended_members),
        ("expected_activity", expected_activity),
    ):
        if not (value or "").strip():
            problems[field] = [_("This field is required.")]
        elif len(value) > 5000:
            problems[field] = [_("At most %d characters.") % 5000]
    try:
        name = _clean_name(name)
    except Invalid as error:
        problems.update(error.fields)
    kind_row = CommunityKind.objects.filter(code=kind).first()
    if kind_row is None:
        problems["kind"] = [_("Unknown kind of community.")]
    if visibility not in Visibility.values:
        problems["visibility"] = [_("Choose open, private or secret.")]
    animator = (
        people_listable_by(actor, User.objects.filter(pk=animator_id))
        .exclude(role=Role.GUEST)
        .first()
    )
    if animator is None:
        problems["animator_id"] = [_("Choose an active colleague as animator.")]
    if problems:
        raise Invalid(next(iter(problems.values()))[0], fields=problems)
    assert kind_row is not None and animator is not None
    request = CreationRequest.objects.create(
        requester=actor,
        name=name,
        kind=kind_row,
        visibility=visibility,
        purpose=purpose.strip(),
        intended_members=intended_members.strip(),
        animator=animator,
        expected_activity=expected_activity.strip(),
    )
    events.record(actor=actor, verb="creation_request.submitted", target=request)
    return request


def _reviewable(actor: User, request_id: int) -> CreationRequest:
    request = CreationRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None or not (
        policy.can_review_creation_requests(actor) or request.requester_id == actor.pk
    ):
        raise NotFound("creation_request")
    return request


@transaction.atomic
def creation_request_comment(*, actor: User, request_id: int, body: str) -> CreationRequestMessage:
    """A question from the project team, or the requester's answer."""
    request = _reviewable(actor, request_id)
    if not request.is_open:
        raise Conflict(_("This request has been decided."))
    body = (body or "").strip()
    if not body:
        raise _field_error("body", _("Write a message."))
    if len(body) > 5000:
        raise _field_error("body", _("At most %d characters.") % 5000)
    message = CreationRequestMessage.objects.create(request=request, author=actor, body=body)
    from_team = actor.pk != request.requester_id
    request.status = CreationStatus.QUESTIONS if from_team else CreationStatus.SUBMITTED
    request.save(update_fields=["status"])
    events.record(
        actor=actor,
        verb="creation_request.question" if from_team else "creation_request.answer",
        target=request,
        payload={"message_id": message.pk},
    )
    return message


@transaction.atomic
def creation_request_withdraw(*, actor: User, request_id: int) -> CreationRequest:
    request = _reviewable(actor, request_id)
    if request.requester_id != actor.pk:
        raise Forbidden()
    if not request.is_open:
        raise Conflict(_("This request has been decided."))
    request.status = CreationStatus.WITHDRAWN
    request.decided_at = clock.now()
    request.save(update_fields=["status", "decided_at"])
    events.record(actor=actor, verb="creation_request.withdrawn", target=request)
    return request


@transaction.atomic
def creation_request_decide(
    *, actor: User, request_id: int, approve: bool, reason: str = ""
) -> CreationRequest:
    if not policy.can_review_creation_requests(actor):
        raise NotFound("creation_request")
    request = _reviewable(actor, request_id)
    if not request.is_open:
        raise Conflict(_("This request has been decided."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise _field_error("reason", _("Say why the request is rejected."))
    request.status = CreationStatus.APPROVED if approve else CreationStatus.REJECTED
    request.decision_reason, request.reviewed_by = _text("reason", reason, 5000), actor
    request.decided_at = clock.now()
    if approve:
        community = community_create(
            actor=actor,
            name=request.name,
            kind=request.kind.code,
            visibility=request.visibility,
            owner=request.requester,
            _from_request=True,
        )
        if request.animator_id != request.requester_id and request.animator.is_active:
            _add_member(
                actor=actor,
                community=community,
                user=request.animator,
                role=CommunityRole.ANIMATOR,
                how="appointed",
            )
        request.community = community
    request.save()
    events.record(
        actor=actor,
        verb="creation_request.approved" if approve else "creation_request.rejected",
        target=request,
        community_id=request.community_id,
        payload={"reason": reason[:500]},
    )
    return request


# ---------------------------------------------------------------- organisation settings


@transaction.atomic
def organisation_settings_update(
    *,
    actor: User,
    community_creation: str | None = None,
    guests_allowed: bool | None = None,
    guest_access_days: int | None = None,
) -> OrganisationSettings:
    if not (actor.is_active and actor.is_admin):
        raise Forbidden()
    row = OrganisationSettings.current()
    changed: dict[str, Any] = {}
    if community_creation is not None:
        if community_creation not in OrganisationSettings.CommunityCreation.values:
            raise _field_error("community_creation", _("Choose direct creation or requests."))
        changed["community_creation"] = community_creation
    if guests_allowed is not None:
        changed["guests_allowed"] = bool(guests_allowed)
    if guest_access_days is not None:
        if not 1 <= guest_access_days <= 3650:
            raise _field_error("guest_access_days", _("Between 1 and 3650 days."))
        changed["guest_access_days"] = guest_access_days
    for field, value in changed.items():
        setattr(row, field, value)
    if changed:
        row.save()
        events.record(actor=actor, verb="organisation.settings_changed", payload=changed)
    return row


def managing_roles() -> tuple[str, ...]:
    return tuple(str(role) for role in MANAGING_ROLES)
