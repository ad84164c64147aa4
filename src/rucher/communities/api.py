"""Communities, members, join requests, invitations, creation requests and partner guests in
the JSON API.

Every read goes through the access policy (``policy``) and the ``selectors``, every write
through a service; this module only translates between HTTP and those functions.

A secret community the caller may not see answers exactly as a missing one, on every
endpoint that addresses it (``policy.access_community`` raises the same ``NotFound``). So
that nothing else tells them apart, input checks that do not depend on the community run
before the lookup, and checks that do (rights, state) run after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Field, Model, Prefetch
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from rucher.accounts.api import person_card
from rucher.accounts.models import User
from rucher.accounts.policy import can_manage_people
from rucher.accounts.schemas import PersonRef
from rucher.accounts.services import user_deactivate
from rucher.api_schemas import ObjectId, errors
from rucher.communities import policy, selectors, services
from rucher.communities.models import (
    Community,
    CreationRequest,
    CreationRequestMessage,
    Invitation,
    JoinRequest,
    Membership,
)
from rucher.communities.schemas import (
    ApproveIn,
    ChecklistStepOut,
    CommunityDetailOut,
    CommunityIn,
    CommunityKindOut,
    CommunityKindRef,
    CommunityOut,
    CommunityPage,
    CommunityPatch,
    CommunityQuery,
    CommunityRef,
    CreationMessageIn,
    CreationMessageOut,
    CreationRequestDetailOut,
    CreationRequestIn,
    CreationRequestOut,
    CreationRequestPage,
    CreationRequestQuery,
    GuestAccessIn,
    GuestCommunityOut,
    GuestOut,
    GuestPage,
    InvitationIn,
    InvitationOut,
    InvitationPage,
    JoinRequestIn,
    JoinRequestOut,
    JoinRequestPage,
    MemberOut,
    MemberPage,
    MemberQuery,
    MembershipOut,
    OrganisationSettingsIn,
    OrganisationSettingsOut,
    RejectIn,
    ReplyIn,
    RoleIn,
    TransferIn,
)
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.models import OrganisationSettings, Tag
from rucher.core.pagination import PageParams, paginate

router = Router(tags=["communities"])
CREATION_TAGS = ["creation requests"]

COMMUNITY_ORDERING = ("name",)
MEMBER_ORDERING = ("joined_at",)  # then the membership id: the order people joined in
GUEST_ORDERING = ("-is_active", "display_name")  # the selector's order: active guests first


def _viewer(request: HttpRequest) -> User:
    # Both authenticators of the API return the active User they recognised.
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _max_length(model: type[Model], field: str) -> int:
    column = model._meta.get_field(field)
    assert isinstance(column, Field), f"{model.__name__}.{field} is not a column"
    return cast(int, column.max_length)


def _check_lengths(**checks: tuple[str | None, int]) -> None:
    """Texts longer than their column allows are refused (400), never cut short: some
    services would silently truncate them, and what a person typed must not be lost.

    ``checks`` maps each input field to its value and its limit."""
    problems: dict[str, list[str]] = {}
    for field, (value, limit) in checks.items():
        if value is not None and len(value) > limit:
            problems[field] = [_("At most %d characters.") % limit]
    if problems:
        raise Invalid(next(iter(problems.values()))[0], fields=problems)


def _refuse_null(changes: dict[str, Any], *fields: str) -> None:
    problems = {
        field: [_("This field cannot be empty.")]
        for field in fields
        if field in changes and changes[field] is None
    }
    if problems:
        raise Invalid(next(iter(problems.values()))[0], fields=problems)


def _person_ref(person: User | None) -> PersonRef | None:
    return PersonRef(id=person.pk, display_name=person.display_name) if person else None


def _visible_person_ids(viewer: User, ids: Iterable[int | None]) -> set[int]:
    """Which of these people the viewer may see (one query, whatever their number)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return set()
    return set(User.objects.visible_to(viewer).filter(pk__in=wanted).values_list("pk", flat=True))


def _visible_community_ids(viewer: User, ids: Iterable[int | None]) -> set[int]:
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return set()
    visible = Community.objects.visible_to(viewer).filter(pk__in=wanted)
    return set(visible.values_list("pk", flat=True))


def _community_ref(community: Community) -> CommunityRef:
    return CommunityRef(id=community.pk, slug=community.slug, name=community.name)


# ---------------------------------------------------------------- presenting communities


def _image_url(community: Community, which: str) -> str | None:
    # Images are served by a view of the communities pages that applies the access policy
    # (decision 0004), never from the media root; reversing it keeps the API in step with
    # wherever that view lives.
    if not getattr(community, which):
        return None
    try:
        return reverse("communities:image", kwargs={"slug": community.slug, "which": which})
    except NoReverseMatch:
        return None


def _my_roles(viewer: User, community_ids: Iterable[int]) -> dict[int, str]:
    """The viewer's current role in each of these communities (one query)."""
    rows = (
        Membership.objects.current()
        .filter(user_id=viewer.pk, community_id__in=list(community_ids))
        .values_list("community_id", "role")
    )
    return dict(rows)


def _community_fields(community: Community, role: str | None) -> dict[str, Any]:
    """``community`` comes from ``selectors.with_listing_data`` (counts, tags, kind)."""
    return {
        "id": community.pk,
        "slug": community.slug,
        "name": community.name,
        "kind": CommunityKindRef(code=community.kind.code, name=community.kind.name),
        "visibility": community.visibility,
        "description": community.description,
        "tags": [tag.name for tag in community.tags.all()],
        "member_count": community.member_count,  # type: ignore[attr-defined]
        "is_member": bool(community.viewer_is_member),  # type: ignore[attr-defined]
        "my_role": role,
        "archived_at": community.archived_at,
        "allows_guests": community.allows_guests,
        "avatar_url": _image_url(community, "avatar"),
    }


def _detail(viewer: User, community: Community) -> CommunityDetailOut:
    """The page of a community the viewer may see (``community`` passed the policy)."""
    listed = selectors.with_listing_data(Community.objects.filter(pk=community.pk), viewer).get()
    membership = policy.membership_of(viewer, listed)
    can_read = policy.can_read(viewer, listed, membership)
    can_manage = policy.can_manage(viewer, listed, membership)
    shows_checklist = can_manage or policy.can_review_creation_requests(viewer)
    request = selectors.my_pending_request(viewer=viewer, community=listed)
    invitation = selectors.my_invitations(viewer=viewer).filter(community=listed).first()
    return CommunityDetailOut(
        **_community_fields(listed, membership.role if membership else None),
        created_at=listed.created_at,
        banner_url=_image_url(listed, "banner"),
        charter=listed.charter if can_read else None,
        checklist=[
            ChecklistStepOut(step=step, done=done, done_at=getattr(listed, f"{step}_at"))
            for step, done in selectors.launch_checklist(listed)
        ]
        if shows_checklist
        else None,
        can_read=can_read,
        can_manage=can_manage,
        can_join=membership is None and policy.can_join_directly(viewer, listed),
        pending_join_request_id=request.pk if request else None,
        pending_invitation_id=invitation.pk if invitation else None,
    )


def _membership_out(
    membership: Membership | None, *, community_id: int, user_id: int
) -> MembershipOut:
    return MembershipOut(
        community_id=community_id,
        user_id=user_id,
        is_member=membership is not None,
        role=membership.role if membership else None,
        joined_at=membership.joined_at if membership else None,
        expires_at=membership.expires_at if membership else None,
    )


def _of(membership: Membership) -> MembershipOut:
    return _membership_out(
        membership, community_id=membership.community_id, user_id=membership.user_id
    )


# ---------------------------------------------------------------- communities


@router.get(
    "/communities",
    response={200: CommunityPage, **errors(400, 422)},
    summary="The community directory",
)
def communities_list(
    request: HttpRequest, filters: Query[CommunityQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Communities you may see, sorted by name, matching every filter given: open and
    private ones, secret ones you belong to or are invited to. Partner guests see only the
    communities they are a guest of or invited to. Archived communities are left out unless
    `archived=true`."""
    viewer = _viewer(request)
    communities = selectors.community_directory(
        viewer=viewer,
        filters=selectors.CommunityFilters(
            query=filters.q,
            kind=filters.kind,
            visibility=filters.visibility,
            mine=filters.mine,
            include_archived=filters.archived,
        ),
    )
    result = paginate(communities, params=page, ordering=COMMUNITY_ORDERING)
    roles = _my_roles(viewer, (community.pk for community in result.items))
    return result.map(
        lambda community: CommunityOut(**_community_fields(community, roles.get(community.pk)))
    ).as_dict()


@router.post(
    "/communities",
    response={201: CommunityDetailOut, **errors(400, 403, 409, 422)},
    summary="Create a community",
)
def communities_create(request: HttpRequest, payload: CommunityIn) -> Status[CommunityDetailOut]:
    """Open a community; you become its owner. Fields left out come from the template of its
    kind. When the organisation opens communities through creation requests, employees get a
    403 and submit a request instead (`POST /creation-requests`); the project team and
    administrators may still create directly. A taken address is a 409 naming `slug`."""
    viewer = _viewer(request)
    _check_lengths(
        description=(payload.description, _max_length(Community, "description")),
        charter=(payload.charter, _max_length(Community, "charter")),
    )
    community = services.community_create(
        actor=viewer,
        name=payload.name,
        kind=payload.kind,
        visibility=payload.visibility,
        description=payload.description,
        charter=payload.charter,
        tags=payload.tags,
        allows_guests=payload.allows_guests,
        slug=payload.slug,
    )
    return Status(201, _detail(viewer, community))


# Declared before the routes below "/communities/{community_id}/...": a community whose
# address is "members" must still be found by it.
@router.get(
    "/communities/by-slug/{slug}",
    response={200: CommunityDetailOut, **errors(404)},
    summary="A community, by its address",
)
def communities_get_by_slug(request: HttpRequest, slug: str) -> CommunityDetailOut:
    """The same as `GET /communities/{community_id}`, reached by the community's address."""
    viewer = _viewer(request)
    return _detail(viewer, policy.access_community(user=viewer, slug=slug))


@router.get(
    "/communities/{community_id}",
    response={200: CommunityDetailOut, **errors(404, 422)},
    summary="A community",
)
def communities_get(request: HttpRequest, community_id: ObjectId) -> CommunityDetailOut:
    """A community you may see. The charter is null unless you may read the community, the
    launch checklist null unless you manage it or belong to the project team. A secret
    community you may not see is the same 404 as a missing one."""
    viewer = _viewer(request)
    return _detail(viewer, policy.access_community(user=viewer, community_id=community_id))


@router.patch(
    "/communities/{community_id}",
    response={200: CommunityDetailOut, **errors(400, 403, 404, 409, 422)},
    summary="Update a community",
)
def communities_update(
    request: HttpRequest, community_id: ObjectId, payload: CommunityPatch
) -> CommunityDetailOut:
    """Change some settings of a community you manage; fields left out keep their value.
    Either every change is saved or none is: a 400 lists the problem of each field. An
    archived community is read-only (409)."""
    viewer = _viewer(request)
    changes = payload.model_dump(exclude_unset=True)
    _refuse_null(changes, "name", "visibility", "allows_guests")
    _check_lengths(
        description=(payload.description, _max_length(Community, "description")),
        charter=(payload.charter, _max_length(Community, "charter")),
    )
    community = services.community_update(actor=viewer, community_id=community_id, changes=changes)
    return _detail(viewer, community)


@router.post(
    "/communities/{community_id}/archive",
    response={200: CommunityDetailOut, **errors(403, 404, 422)},
    summary="Archive a community",
)
def communities_archive(request: HttpRequest, community_id: ObjectId) -> CommunityDetailOut:
    """Make a community read-only (owners and administrators). Archiving twice is harmless."""
    viewer = _viewer(request)
    community = services.community_archive(actor=viewer, community_id=community_id)
    return _detail(viewer, community)


@router.post(
    "/communities/{community_id}/unarchive",
    response={200: CommunityDetailOut, **errors(403, 404, 422)},
    summary="Bring an archived community back",
)
def communities_unarchive(request: HttpRequest, community_id: ObjectId) -> CommunityDetailOut:
    """Open an archived community again (owners and administrators)."""
    viewer = _viewer(request)
    community = services.community_archive(actor=viewer, community_id=community_id, archived=False)
    return _detail(viewer, community)


# ---------------------------------------------------------------- members


@router.get(
    "/communities/{community_id}/members",
    response={200: MemberPage, **errors(400, 403, 404, 422)},
    summary="A community's members",
)
def members_list(
    request: HttpRequest,
    community_id: ObjectId,
    filters: Query[MemberQuery],
    page: Query[PageParams],
) -> dict[str, Any]:
    """Current members, in the order they joined, for those who may read the community:
    members of a private community you do not belong to are a 403. A guest's `expires_at` is
    shown to the community's managers and to the guest only."""
    viewer = _viewer(request)
    community = policy.access_community(user=viewer, community_id=community_id)
    membership = policy.membership_of(viewer, community)
    if not policy.can_read(viewer, community, membership):
        raise Forbidden(_("Only the members of this community can see who belongs to it."))
    members = selectors.members_of(viewer=viewer, community=community)
    if filters.role:
        members = members.filter(role=filters.role)
    result = paginate(members, params=page, ordering=MEMBER_ORDERING)
    managing = policy.can_manage(viewer, community, membership)

    def present(member: Membership) -> MemberOut:
        sees_expiry = managing or member.user_id == viewer.pk
        return MemberOut(
            person=person_card(member.user, viewer),
            role=member.role,
            joined_at=member.joined_at,
            expires_at=member.expires_at if sees_expiry else None,
        )

    return result.map(present).as_dict()


@router.post(
    "/communities/{community_id}/join",
    response={200: MembershipOut, **errors(403, 404, 409, 422)},
    summary="Join an open community",
)
def communities_join(request: HttpRequest, community_id: ObjectId) -> MembershipOut:
    """Join an open community. Joining twice is harmless. Private communities answer 403:
    ask to join instead (`POST /communities/{community_id}/join-requests`)."""
    membership = services.membership_join(actor=_viewer(request), community_id=community_id)
    return _of(membership)


@router.post(
    "/communities/{community_id}/leave",
    response={200: MembershipOut, **errors(404, 409, 422)},
    summary="Leave a community",
)
def communities_leave(request: HttpRequest, community_id: ObjectId) -> MembershipOut:
    """Leave a community you belong to. The last owner must hand ownership over first (409)."""
    viewer = _viewer(request)
    services.membership_leave(actor=viewer, community_id=community_id)
    return _membership_out(None, community_id=community_id, user_id=viewer.pk)


@router.delete(
    "/communities/{community_id}/members/{user_id}",
    response={200: MembershipOut, **errors(403, 404, 409, 422)},
    summary="Remove a member",
)
def members_remove(
    request: HttpRequest, community_id: ObjectId, user_id: ObjectId
) -> MembershipOut:
    """Remove someone from a community you manage. Only an owner removes another owner, and
    the last owner stays (409)."""
    services.membership_remove(actor=_viewer(request), community_id=community_id, user_id=user_id)
    return _membership_out(None, community_id=community_id, user_id=user_id)


@router.patch(
    "/communities/{community_id}/members/{user_id}",
    response={200: MembershipOut, **errors(400, 403, 404, 409, 422)},
    summary="Change a member's role",
)
def members_set_role(
    request: HttpRequest, community_id: ObjectId, user_id: ObjectId, payload: RoleIn
) -> MembershipOut:
    """Make a member an animator, an owner, or a plain member again (managers; only owners
    give or take the owner role). A community keeps at least one owner (409); partner guests
    stay guests (409)."""
    membership = services.membership_set_role(
        actor=_viewer(request), community_id=community_id, user_id=user_id, role=payload.role
    )
    return _of(membership)


@router.post(
    "/communities/{community_id}/transfer-ownership",
    response={200: MembershipOut, **errors(400, 403, 404, 422)},
    summary="Hand ownership over",
)
def communities_transfer_ownership(
    request: HttpRequest, community_id: ObjectId, payload: TransferIn
) -> MembershipOut:
    """Make another internal member the owner; you stay on as an animator. The answer is the
    new owner's membership."""
    membership = services.ownership_transfer(
        actor=_viewer(request), community_id=community_id, new_owner_id=payload.new_owner_id
    )
    return _of(membership)


@router.patch(
    "/communities/{community_id}/members/{user_id}/guest-access",
    response={200: MembershipOut, **errors(400, 403, 404, 422)},
    summary="Change when a guest's access ends",
)
def members_set_guest_access(
    request: HttpRequest, community_id: ObjectId, user_id: ObjectId, payload: GuestAccessIn
) -> MembershipOut:
    """Extend (or shorten) a partner guest's access to a community you manage; the date must
    be in the future. An expired guest is still found here, to be given access again."""
    membership = services.guest_access_extend(
        actor=_viewer(request),
        community_id=community_id,
        user_id=user_id,
        until=_aware(payload.until),
    )
    return _of(membership)


# ---------------------------------------------------------------- join requests


def _join_request_out(join_request: JoinRequest, viewer: User) -> JoinRequestOut:
    return JoinRequestOut(
        id=join_request.pk,
        community=_community_ref(join_request.community),
        person=person_card(join_request.user, viewer),
        message=join_request.message,
        status=join_request.status,
        reply=join_request.reply,
        created_at=join_request.created_at,
        decided_at=join_request.decided_at,
    )


@router.post(
    "/communities/{community_id}/join-requests",
    response={201: JoinRequestOut, **errors(400, 403, 404, 409, 422)},
    summary="Ask to join a private community",
)
def join_requests_create(
    request: HttpRequest, community_id: ObjectId, payload: JoinRequestIn | None = None
) -> Status[JoinRequestOut]:
    """Ask the managers of a private community to let you in. Open communities are joined
    directly and secret ones by invitation (409); partner guests join by invitation only
    (403)."""
    viewer = _viewer(request)
    join_request = services.join_request_create(
        actor=viewer, community_id=community_id, message=payload.message if payload else ""
    )
    return Status(201, _join_request_out(join_request, viewer))


@router.get(
    "/communities/{community_id}/join-requests",
    response={200: JoinRequestPage, **errors(400, 403, 404, 422)},
    summary="Requests waiting to join",
)
def join_requests_list(
    request: HttpRequest, community_id: ObjectId, page: Query[PageParams]
) -> dict[str, Any]:
    """The pending requests to join a community you manage, oldest first."""
    viewer = _viewer(request)
    community = policy.access_community(user=viewer, community_id=community_id)
    if not policy.can_manage(viewer, community):
        raise Forbidden(_("Only the managers of this community see its requests."))
    requests = (
        selectors.pending_join_requests(viewer=viewer, community=community)
        .select_related("community", "user__profile__org_unit", "user__profile__site")
        .prefetch_related(Prefetch("user__profile__skills", queryset=Tag.objects.order_by("name")))
    )
    result = paginate(requests, params=page, ordering=("created_at",))
    return result.map(lambda item: _join_request_out(item, viewer)).as_dict()


@router.post(
    "/join-requests/{request_id}/accept",
    response={200: JoinRequestOut, **errors(400, 404, 409, 422)},
    summary="Accept a request to join",
)
def join_requests_accept(
    request: HttpRequest, request_id: ObjectId, payload: ReplyIn | None = None
) -> JoinRequestOut:
    """Let the requester in (managers of the community). A request you may not decide is the
    same 404 as a missing one."""
    return _decide(request, request_id, payload, accept=True)


@router.post(
    "/join-requests/{request_id}/decline",
    response={200: JoinRequestOut, **errors(400, 404, 409, 422)},
    summary="Decline a request to join",
)
def join_requests_decline(
    request: HttpRequest, request_id: ObjectId, payload: ReplyIn | None = None
) -> JoinRequestOut:
    """Decline a request (managers of the community), with a word for the requester."""
    return _decide(request, request_id, payload, accept=False)


def _decide(
    request: HttpRequest, request_id: int, payload: ReplyIn | None, *, accept: bool
) -> JoinRequestOut:
    viewer = _viewer(request)
    reply = payload.reply if payload else ""
    _check_lengths(reply=(reply, _max_length(JoinRequest, "reply")))
    join_request = services.join_request_decide(
        actor=viewer, request_id=request_id, accept=accept, reply=reply
    )
    return _join_request_out(join_request, viewer)


@router.delete(
    "/join-requests/{request_id}",
    response={200: JoinRequestOut, **errors(404, 409, 422)},
    summary="Cancel your request to join",
)
def join_requests_cancel(request: HttpRequest, request_id: ObjectId) -> JoinRequestOut:
    """Withdraw your own pending request; anyone else's is a 404."""
    viewer = _viewer(request)
    join_request = services.join_request_cancel(actor=viewer, request_id=request_id)
    return _join_request_out(join_request, viewer)


# ---------------------------------------------------------------- invitations


def _invitations_out(invitations: list[Invitation], viewer: User) -> list[InvitationOut]:
    """People named in invitations are shown only if the policy lets the viewer see them (a
    partner guest does not see who invited them before joining)."""
    visible = _visible_person_ids(
        viewer,
        [pk for item in invitations for pk in (item.invitee_id, item.invited_by_id)],
    )

    def shown(person: User | None) -> PersonRef | None:
        return _person_ref(person) if person is not None and person.pk in visible else None

    return [
        InvitationOut(
            id=invitation.pk,
            community=_community_ref(invitation.community),
            invitee=shown(invitation.invitee),
            email=invitation.email,
            role=invitation.role,
            message=invitation.message,
            status=invitation.status,
            invited_by=shown(invitation.invited_by),
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            access_until=invitation.access_until,
            answered_at=invitation.answered_at,
        )
        for invitation in invitations
    ]


def _invitation_out(invitation: Invitation, viewer: User) -> InvitationOut:
    return _invitations_out([invitation], viewer)[0]


def _invitation_page(invitations: Any, page: PageParams, viewer: User) -> dict[str, Any]:
    result = paginate(
        invitations.select_related("community", "invitee", "invited_by"),
        params=page,
        ordering=("-created_at",),
    )
    return {"items": _invitations_out(result.items, viewer), "next": result.next}


@router.post(
    "/communities/{community_id}/invitations",
    response={201: InvitationOut, **errors(400, 403, 404, 409, 422)},
    summary="Invite someone",
)
def invitations_create(
    request: HttpRequest, community_id: ObjectId, payload: InvitationIn
) -> Status[InvitationOut]:
    """Invite a colleague (by `invitee_id`, or by `email`) as a member or an animator, or a
    partner by `email` as a guest until `access_until` (managers of the community). Inviting
    a member again, or someone already invited, is a 409. The secret link of the invitation
    is never part of the answer."""
    viewer = _viewer(request)
    _check_lengths(message=(payload.message, _max_length(Invitation, "message")))
    invitation, _token = services.invitation_create(
        actor=viewer,
        community_id=community_id,
        invitee_id=payload.invitee_id,
        email=payload.email,
        role=payload.role,
        message=payload.message,
        access_until=_aware(payload.access_until) if payload.access_until else None,
    )
    return Status(201, _invitation_out(invitation, viewer))


@router.get(
    "/communities/{community_id}/invitations",
    response={200: InvitationPage, **errors(400, 403, 404, 422)},
    summary="Invitations waiting for an answer",
)
def invitations_list(
    request: HttpRequest, community_id: ObjectId, page: Query[PageParams]
) -> dict[str, Any]:
    """The pending invitations to a community you manage, newest first."""
    viewer = _viewer(request)
    community = policy.access_community(user=viewer, community_id=community_id)
    if not policy.can_manage(viewer, community):
        raise Forbidden(_("Only the managers of this community see its invitations."))
    invitations = selectors.pending_invitations(viewer=viewer, community=community)
    return _invitation_page(invitations, page, viewer)


@router.delete(
    "/invitations/{invitation_id}",
    response={200: InvitationOut, **errors(404, 409, 422)},
    summary="Revoke an invitation",
)
def invitations_revoke(request: HttpRequest, invitation_id: ObjectId) -> InvitationOut:
    """Withdraw a pending invitation (managers of the community). An invitation you may not
    revoke is the same 404 as a missing one."""
    viewer = _viewer(request)
    invitation = services.invitation_revoke(actor=viewer, invitation_id=invitation_id)
    return _invitation_out(invitation, viewer)


@router.get(
    "/me/invitations",
    response={200: InvitationPage, **errors(400, 422)},
    summary="Your invitations",
)
def my_invitations_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Invitations to you waiting for an answer, newest first."""
    viewer = _viewer(request)
    return _invitation_page(selectors.my_invitations(viewer=viewer), page, viewer)


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: MembershipOut, **errors(403, 404, 409, 422)},
    summary="Accept an invitation",
)
def invitations_accept(request: HttpRequest, invitation_id: ObjectId) -> MembershipOut:
    """Join the community you are invited to. Someone else's invitation is a 404."""
    membership = services.invitation_accept(actor=_viewer(request), invitation_id=invitation_id)
    return _of(membership)


@router.post(
    "/invitations/{invitation_id}/refuse",
    response={200: InvitationOut, **errors(404, 422)},
    summary="Refuse an invitation",
)
def invitations_refuse(request: HttpRequest, invitation_id: ObjectId) -> InvitationOut:
    """Decline an invitation to you. Someone else's invitation is a 404."""
    viewer = _viewer(request)
    invitation = services.invitation_refuse(actor=viewer, invitation_id=invitation_id)
    return _invitation_out(invitation, viewer)


# ---------------------------------------------------------------- creation requests


def _creation_requests_out(
    requests: list[CreationRequest], viewer: User
) -> list[CreationRequestOut]:
    # The community opened on approval is named only if the viewer may see it.
    visible = _visible_community_ids(viewer, (item.community_id for item in requests))
    return [CreationRequestOut(**_creation_request_fields(item, visible)) for item in requests]


def _creation_request_fields(request: CreationRequest, visible: set[int]) -> dict[str, Any]:
    community = request.community if request.community_id in visible else None
    return {
        "id": request.pk,
        "name": request.name,
        "kind": CommunityKindRef(code=request.kind.code, name=request.kind.name),
        "visibility": request.visibility,
        "purpose": request.purpose,
        "intended_members": request.intended_members,
        "expected_activity": request.expected_activity,
        "requester": _person_ref(request.requester),
        "animator": _person_ref(request.animator),
        "status": request.status,
        "decision_reason": request.decision_reason,
        "reviewed_by": _person_ref(request.reviewed_by),
        "community": _community_ref(community) if community else None,
        "created_at": request.created_at,
        "decided_at": request.decided_at,
    }


def _message_out(message: CreationRequestMessage, requester_id: int) -> CreationMessageOut:
    return CreationMessageOut(
        id=message.pk,
        author=_person_ref(message.author),
        from_team=message.author_id != requester_id,
        body=message.body,
        created_at=message.created_at,
    )


def _creation_detail(viewer: User, request_id: int) -> CreationRequestDetailOut:
    item = selectors.access_creation_request(viewer=viewer, request_id=request_id)
    visible = _visible_community_ids(viewer, [item.community_id])
    messages = item.messages.select_related("author").order_by("created_at", "id")
    return CreationRequestDetailOut(
        **_creation_request_fields(item, visible),
        messages=[_message_out(message, item.requester_id) for message in messages],
    )


@router.post(
    "/creation-requests",
    response={201: CreationRequestDetailOut, **errors(400, 403, 422)},
    summary="Ask for a community to be opened",
    tags=CREATION_TAGS,
)
def creation_requests_create(
    request: HttpRequest, payload: CreationRequestIn
) -> Status[CreationRequestDetailOut]:
    """Submit a request to open a community, reviewed by the ESN project team. Partner
    guests cannot (403). A 400 lists the problem of each field."""
    viewer = _viewer(request)
    created = services.creation_request_submit(
        actor=viewer,
        name=payload.name,
        kind=payload.kind,
        visibility=payload.visibility,
        purpose=payload.purpose,
        intended_members=payload.intended_members,
        animator_id=payload.animator_id,
        expected_activity=payload.expected_activity,
    )
    return Status(201, _creation_detail(viewer, created.pk))


@router.get(
    "/creation-requests",
    response={200: CreationRequestPage, **errors(400, 422)},
    summary="Creation requests",
    tags=CREATION_TAGS,
)
def creation_requests_list(
    request: HttpRequest, filters: Query[CreationRequestQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """For the ESN project team, the review queue: open requests, oldest first (or those
    with another `status`, newest first). For everyone else, their own requests."""
    viewer = _viewer(request)
    status = "" if filters.status == "all" else filters.status
    requests = selectors.creation_requests_for(viewer=viewer, status=status)
    ordering = ("created_at",) if status == "open" else ("-created_at",)
    result = paginate(requests, params=page, ordering=ordering)
    return {"items": _creation_requests_out(result.items, viewer), "next": result.next}


@router.get(
    "/creation-requests/{request_id}",
    response={200: CreationRequestDetailOut, **errors(404, 422)},
    summary="A creation request",
    tags=CREATION_TAGS,
)
def creation_requests_get(request: HttpRequest, request_id: ObjectId) -> CreationRequestDetailOut:
    """A creation request with its conversation (its requester and the project team only;
    anyone else gets a 404)."""
    return _creation_detail(_viewer(request), request_id)


@router.post(
    "/creation-requests/{request_id}/messages",
    response={201: CreationMessageOut, **errors(400, 404, 409, 422)},
    summary="Write in a creation request's conversation",
    tags=CREATION_TAGS,
)
def creation_requests_comment(
    request: HttpRequest, request_id: ObjectId, payload: CreationMessageIn
) -> Status[CreationMessageOut]:
    """A question from the project team (the request then waits on the requester), or the
    requester's answer (it goes back to the team). A decided request is a 409."""
    viewer = _viewer(request)
    message = services.creation_request_comment(
        actor=viewer, request_id=request_id, body=payload.body
    )
    return Status(201, _message_out(message, message.request.requester_id))


@router.post(
    "/creation-requests/{request_id}/approve",
    response={200: CreationRequestDetailOut, **errors(400, 404, 409, 422)},
    summary="Approve a creation request",
    tags=CREATION_TAGS,
)
def creation_requests_approve(
    request: HttpRequest, request_id: ObjectId, payload: ApproveIn | None = None
) -> CreationRequestDetailOut:
    """Open the community (project team): the requester becomes its owner and the chosen
    animator its animator."""
    viewer = _viewer(request)
    reason = payload.reason if payload else ""
    _check_lengths(reason=(reason, _max_length(CreationRequest, "decision_reason")))
    decided = services.creation_request_decide(
        actor=viewer, request_id=request_id, approve=True, reason=reason
    )
    return _creation_detail(viewer, decided.pk)


@router.post(
    "/creation-requests/{request_id}/reject",
    response={200: CreationRequestDetailOut, **errors(400, 404, 409, 422)},
    summary="Reject a creation request",
    tags=CREATION_TAGS,
)
def creation_requests_reject(
    request: HttpRequest, request_id: ObjectId, payload: RejectIn
) -> CreationRequestDetailOut:
    """Turn the request down (project team), saying why: an empty `reason` is a 400."""
    viewer = _viewer(request)
    _check_lengths(reason=(payload.reason, _max_length(CreationRequest, "decision_reason")))
    decided = services.creation_request_decide(
        actor=viewer, request_id=request_id, approve=False, reason=payload.reason
    )
    return _creation_detail(viewer, decided.pk)


@router.post(
    "/creation-requests/{request_id}/withdraw",
    response={200: CreationRequestDetailOut, **errors(403, 404, 409, 422)},
    summary="Withdraw your creation request",
    tags=CREATION_TAGS,
)
def creation_requests_withdraw(
    request: HttpRequest, request_id: ObjectId
) -> CreationRequestDetailOut:
    """Withdraw your own open request. The project team sees it but cannot withdraw it (403)."""
    viewer = _viewer(request)
    services.creation_request_withdraw(actor=viewer, request_id=request_id)
    return _creation_detail(viewer, request_id)


# ---------------------------------------------------------------- kinds, organisation, guests


@router.get(
    "/community-kinds",
    response={200: list[CommunityKindOut], **errors()},
    summary="Kinds of community",
)
def community_kinds_list(request: HttpRequest) -> list[CommunityKindOut]:
    """The kinds a community may be of, each with the template a new one starts from."""
    return [
        CommunityKindOut(
            code=kind.code,
            name=kind.name,
            default_visibility=kind.default_visibility,
            description_template=kind.description_template(),
        )
        for kind in selectors.kinds()
    ]


def _require_admin(viewer: User) -> None:
    if not can_manage_people(viewer):
        raise Forbidden(_("Only administrators can do this."))


def _settings_out(row: OrganisationSettings) -> OrganisationSettingsOut:
    return OrganisationSettingsOut(
        community_creation=row.community_creation,
        guests_allowed=row.guests_allowed,
        guest_access_days=row.guest_access_days,
        updated_at=row.updated_at,
    )


@router.get(
    "/organisation/settings",
    response={200: OrganisationSettingsOut, **errors(403)},
    summary="Organisation settings",
)
def organisation_settings_get(request: HttpRequest) -> OrganisationSettingsOut:
    """How communities are opened and whether partner guests are allowed (administrators)."""
    _require_admin(_viewer(request))
    return _settings_out(OrganisationSettings.current())


@router.patch(
    "/organisation/settings",
    response={200: OrganisationSettingsOut, **errors(400, 403, 422)},
    summary="Change the organisation settings",
)
def organisation_settings_update(
    request: HttpRequest, payload: OrganisationSettingsIn
) -> OrganisationSettingsOut:
    """Change some organisation settings (administrators); fields left out or null keep
    their value."""
    row = services.organisation_settings_update(
        actor=_viewer(request),
        community_creation=payload.community_creation,
        guests_allowed=payload.guests_allowed,
        guest_access_days=payload.guest_access_days,
    )
    return _settings_out(row)


def _guest_out(person: User) -> GuestOut:
    now = timezone.now()
    memberships: list[Membership] = getattr(person, "guest_memberships", [])
    communities = [
        GuestCommunityOut(
            community=_community_ref(membership.community),
            expires_at=membership.expires_at,
            current=membership.expires_at is None or membership.expires_at > now,
        )
        for membership in memberships
    ]
    ends = [item.expires_at for item in communities if item.current and item.expires_at]
    return GuestOut(
        id=person.pk,
        display_name=person.display_name,
        email=person.email,
        company=person.profile.company,
        is_active=person.is_active,
        communities=communities,
        access_ends_at=max(ends) if ends and person.is_active else None,
    )


@router.get(
    "/guests",
    response={200: GuestPage, **errors(400, 403, 422)},
    summary="Partner guests",
)
def guests_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every partner guest account (administrators), active ones first, with their company,
    the communities they are a guest of and when each access ends."""
    viewer = _viewer(request)
    _require_admin(viewer)
    result = paginate(selectors.guest_people(viewer=viewer), params=page, ordering=GUEST_ORDERING)
    return result.map(_guest_out).as_dict()


@router.post(
    "/guests/{user_id}/revoke",
    response={200: GuestOut, **errors(403, 404, 422)},
    summary="Revoke a partner guest",
)
def guests_revoke(request: HttpRequest, user_id: ObjectId) -> GuestOut:
    """Deactivate a partner guest's account (administrators): every access, session and API
    token ends at once. Revoking twice is harmless; an internal person is a 404 here."""
    viewer = _viewer(request)
    _require_admin(viewer)
    if not selectors.guest_people(viewer=viewer).filter(pk=user_id).exists():
        raise NotFound("person")
    user_deactivate(actor=viewer, person_id=user_id)
    return _guest_out(selectors.guest_people(viewer=viewer).get(pk=user_id))
