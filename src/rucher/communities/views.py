"""Community pages: the directory, a community's page and images, its members, its settings.

Access starts from ``policy.access_community`` on every page: a community the viewer may not
see raises ``Http404``, rendered by the same handler as a missing address, so a secret
community and a missing one give the same response.

What a visible but unreadable community shows (a private one to a non-member, or any
community to someone holding an invitation to it): its card — name, kind, visibility,
description, tags, avatar and banner, member count and the names of its owners and animators
(whom a join request goes to). Its charter and its member list are for those who read it
(``policy.can_read``): the description is the public pitch, the rest is the inside.

A refused POST re-renders the page with the reason and what was typed: status 400 for a
refused input or a conflict, 403 when the person may see the page but not do this, 404 when
the thing acted on does not exist for them. A successful POST redirects (post/redirect/get).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rucher.accounts.models import User
from rucher.communities import policy, selectors, services
from rucher.communities.forms import (
    RESERVED_SLUGS,
    CommunityCreateForm,
    CommunitySettingsForm,
    GuestExtendForm,
    InviteForm,
    JoinRequestForm,
    end_of_day,
)
from rucher.communities.models import (
    Community,
    CommunityRole,
    Visibility,
)
from rucher.communities.selectors import CommunityFilters
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user
from rucher.core.models import OrganisationSettings

logger = logging.getLogger(__name__)

PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50
MEMBERS_PREVIEW = 8
# The launch checklist steps a person ticks; the other two are ticked by what happens
# (a charter saved, a first invitation sent).
MANUAL_CHECKLIST = ("welcome_posted", "animator_briefed")


# ---------------------------------------------------------------- shared helpers


def community_or_404(viewer: User, slug: str) -> Community:
    try:
        return policy.access_community(user=viewer, slug=slug)
    except NotFound:
        raise Http404 from None


def error_status(error: RucherError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    return 400


def int_or_none(raw: object) -> int | None:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def checklist_labels() -> dict[str, str]:
    return {
        "charter_written": _("Charter written"),
        "welcome_posted": _("Welcome post published"),
        "first_members_invited": _("First members invited"),
        "animator_briefed": _("Animator briefed"),
    }


# ---------------------------------------------------------------- directory


@login_required
@require_GET
def community_list(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    kinds = selectors.kinds()
    # "Secret" is offered only to those who can already see one: the filter itself must not
    # tell anyone else that secret communities exist.
    visibility_choices = [
        (value, label)
        for value, label in Visibility.choices
        if value != Visibility.SECRET or selectors.sees_secret_communities(viewer)
    ]
    kind = request.GET.get("kind", "")
    visibility = request.GET.get("visibility", "")
    filters = CommunityFilters(
        query=request.GET.get("q", "").strip()[:200],
        kind=kind if kind in {k.code for k in kinds} else "",
        visibility=visibility if visibility in dict(visibility_choices) else "",
        mine=request.GET.get("mine") == "1",
        include_archived=request.GET.get("archived") == "1",
    )
    communities = selectors.community_directory(viewer=viewer, filters=filters)
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query_string": query_without_page.urlencode(),
        "kinds": kinds,
        "visibility_choices": visibility_choices,
        "can_create": services.can_create_directly(viewer),
        "invitation_count": selectors.my_invitations(viewer=viewer).count(),
    }
    template = "communities/list.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template = "communities/list.html#results"
    return render(request, template, context)


# ---------------------------------------------------------------- creation


def _create_slug(name: str, typed: str) -> str | None:
    """The typed address, or None to let the service make one from the name, unless that one
    would be one of the addresses the pages of /communities/ use."""
    if typed:
        return typed
    made = slugify(name, allow_unicode=True)[:90]
    return f"{made}-community" if made in RESERVED_SLUGS else None


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    if viewer.is_guest:
        raise PermissionDenied(_("Partner guests cannot open communities."))
    if not services.can_create_directly(viewer):
        return redirect("communities:request_create")
    form = CommunityCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.community_create(
                actor=viewer,
                name=data["name"],
                kind=data["kind"],
                visibility=data["visibility"] or None,
                description=data["description"] or None,
                tags=data["tags"],
                allows_guests=data["allows_guests"],
                slug=_create_slug(data["name"], data["slug"]),
            )
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The community is open. Write its charter and invite its first members."),
            )
            return redirect("communities:detail", slug=community.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/create.html", {"form": form}, status=status)


# ---------------------------------------------------------------- a community's page


def _render_detail(
    request: HttpRequest,
    viewer: User,
    community: Community,
    *,
    request_form: JoinRequestForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    membership = policy.membership_of(viewer, community)
    reads = policy.can_read(viewer, community, membership)
    manages = policy.can_manage(viewer, community, membership)
    outside = membership is None
    invitation = selectors.my_invitation_to(viewer=viewer, community=community) if outside else None
    checklist = None
    if manages or viewer.is_project_team:
        labels = checklist_labels()
        checklist = [
            {"item": item, "done": done, "label": labels[item], "manual": item in MANUAL_CHECKLIST}
            for item, done in selectors.launch_checklist(community)
        ]
    context: dict[str, Any] = {
        "community": community,
        "membership": membership,
        "reads": reads,
        "manages": manages,
        "tags": list(community.tags.order_by("name")),
        "managers": list(selectors.managers_of(community=community)),
        "member_count": selectors.member_count(community=community),
        "members_preview": (
            list(selectors.members_of(viewer=viewer, community=community)[:MEMBERS_PREVIEW])
            if reads
            else []
        ),
        "invitation": invitation,
        "can_join": outside and policy.can_join_directly(viewer, community),
        "can_request": (
            outside
            and invitation is None
            and not viewer.is_guest
            and community.visibility == Visibility.PRIVATE
            and not community.is_archived
        ),
        "pending_request": (
            selectors.my_pending_request(viewer=viewer, community=community) if outside else None
        ),
        "checklist": checklist,
        "request_form": request_form or JoinRequestForm(),
        "error": error,
    }
    return render(request, "communities/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    community = community_or_404(viewer, slug)
    if request.method == "POST":
        return _detail_action(request, viewer, community)
    return _render_detail(request, viewer, community)


def _still_visible(viewer: User, community: Community) -> bool:
    return Community.objects.visible_to(viewer).filter(pk=community.pk).exists()


def _detail_action(request: HttpRequest, viewer: User, community: Community) -> HttpResponse:
    action = request.POST.get("action", "")
    request_form: JoinRequestForm | None = None
    name = community.name
    try:
        if action == "join":
            services.membership_join(actor=viewer, community_id=community.pk)
            messages.success(request, _("Welcome to %(name)s!") % {"name": name})
        elif action == "request":
            request_form = JoinRequestForm(request.POST)
            if not request_form.is_valid():
                return _render_detail(
                    request, viewer, community, request_form=request_form, status=400
                )
            services.join_request_create(
                actor=viewer,
                community_id=community.pk,
                message=request_form.cleaned_data["message"],
            )
            messages.success(
                request, _("Your request has been sent to the animators of the community.")
            )
        elif action == "cancel_request":
            pending = selectors.my_pending_request(viewer=viewer, community=community)
            if pending is None:
                raise Conflict(_("You have no request waiting for an answer."))
            services.join_request_cancel(actor=viewer, request_id=pending.pk)
            messages.success(request, _("Your request has been withdrawn."))
        elif action == "leave":
            services.membership_leave(actor=viewer, community_id=community.pk)
            messages.success(request, _("You have left %(name)s.") % {"name": name})
            if not _still_visible(viewer, community):
                return redirect("communities:list")
        elif action in ("accept_invitation", "refuse_invitation"):
            invitation = selectors.my_invitation_to(viewer=viewer, community=community)
            if invitation is None:
                raise NotFound(
                    "invitation", _("This invitation does not exist or is no longer open.")
                )
            if action == "accept_invitation":
                services.invitation_accept(actor=viewer, invitation_id=invitation.pk)
                messages.success(request, _("Welcome to %(name)s!") % {"name": name})
            else:
                services.invitation_refuse(actor=viewer, invitation_id=invitation.pk)
                messages.success(request, _("You have declined the invitation."))
                if not _still_visible(viewer, community):
                    return redirect("communities:my_invitations")
        elif action == "checklist":
            item = request.POST.get("item", "")
            if item not in MANUAL_CHECKLIST:
                raise Invalid(_("Unknown checklist step."))
            services.checklist_mark(
                actor=viewer,
                community_id=community.pk,
                item=item,
                done=request.POST.get("done") == "1",
            )
            messages.success(request, _("The launch checklist has been updated."))
        else:
            raise Invalid(_("Unknown action."))
    except RucherError as error:
        message = error.message
        if request_form is not None:
            add_service_error(request_form, error)
            message = ""
        return _render_detail(
            request,
            viewer,
            community,
            request_form=request_form,
            error=message,
            status=error_status(error),
        )
    return redirect("communities:detail", slug=community.slug)


@login_required
@require_GET
def community_image(request: HttpRequest, slug: str, which: str) -> HttpResponseBase:
    """Avatars and banners go through the policy: who cannot see the community cannot see them."""
    community = community_or_404(request_user(request), slug)
    if which not in ("avatar", "banner"):
        raise Http404
    field = getattr(community, which)
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# ---------------------------------------------------------------- members


MANAGER_ACTIONS = {"decide", "revoke", "invite", "role", "remove", "extend", "transfer"}


def _guests_possible(community: Community) -> bool:
    return community.allows_guests and OrganisationSettings.current().guests_allowed


def _render_members(
    request: HttpRequest,
    viewer: User,
    community: Community,
    *,
    invite_form: InviteForm | None = None,
    failed: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    membership = policy.membership_of(viewer, community)
    manages = policy.can_manage(viewer, community, membership)
    owns = policy.is_owner(viewer, community, membership)
    members = selectors.members_of(viewer=viewer, community=community)
    page = Paginator(members, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "community": community,
        "membership": membership,
        "manages": manages,
        "owns": owns,
        "page": page,
        "member_count": page.paginator.count,
        "error": error,
        "failed": failed or {},
        "roles": CommunityRole,
    }
    if manages:
        invite = invite_form or InviteForm()
        invitee_id = int_or_none(invite["invitee_id"].value())
        transfer_id = int_or_none((failed or {}).get("new_owner_id"))
        chosen = User.objects.visible_to(viewer).in_bulk(
            [pk for pk in (invitee_id, transfer_id) if pk]
        )
        context.update(
            {
                "join_requests": list(
                    selectors.pending_join_requests(viewer=viewer, community=community)
                ),
                "invitations": list(
                    selectors.pending_invitations(viewer=viewer, community=community)
                ),
                "invite_form": invite,
                "invitee": chosen.get(invitee_id or 0),
                "new_owner": chosen.get(transfer_id or 0),
                "guests_possible": _guests_possible(community),
                "archived": community.is_archived,
            }
        )
    return render(request, "communities/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def community_members(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    community = community_or_404(viewer, slug)
    if not policy.can_read(viewer, community):
        raise PermissionDenied(_("Only members see who belongs to a private community."))
    if request.method == "POST":
        return _members_action(request, viewer, community)
    return _render_members(request, viewer, community)


def _members_action(request: HttpRequest, viewer: User, community: Community) -> HttpResponse:
    action = request.POST.get("action", "")
    invite_form: InviteForm | None = None
    failed: dict[str, Any] = {"action": action}
    post = request.POST
    try:
        if action not in MANAGER_ACTIONS:
            raise Invalid(_("Unknown action."))
        if not policy.can_manage(viewer, community):
            raise Forbidden(_("Only the owners and animators of the community manage its members."))
        if action == "decide":
            failed.update(id=int_or_none(post.get("request_id")), reply=post.get("reply", ""))
            pending = selectors.pending_join_requests(viewer=viewer, community=community)
            join_request = pending.filter(pk=failed["id"] or 0).first()
            if join_request is None:
                raise NotFound("join_request", _("This request has already been answered."))
            accept = post.get("decision") == "accept"
            services.join_request_decide(
                actor=viewer,
                request_id=join_request.pk,
                accept=accept,
                reply=post.get("reply", "")[:2000],
            )
            done = (
                _("%(name)s is now a member.")
                if accept
                else _("The request of %(name)s was declined.")
            )
            messages.success(request, done % {"name": join_request.user.display_name})
        elif action == "revoke":
            pending_invitations = selectors.pending_invitations(viewer=viewer, community=community)
            found = pending_invitations.filter(
                pk=int_or_none(post.get("invitation_id")) or 0
            ).first()
            if found is None:
                raise NotFound("invitation", _("This invitation has already been answered."))
            services.invitation_revoke(actor=viewer, invitation_id=found.pk)
            messages.success(
                request, _("The invitation to %(email)s was revoked.") % {"email": found.email}
            )
        elif action == "invite":
            invite_form = InviteForm(post)
            if not invite_form.is_valid():
                return _render_members(
                    request, viewer, community, invite_form=invite_form, status=400
                )
            data = invite_form.cleaned_data
            invitation, _token = services.invitation_create(
                actor=viewer,
                community_id=community.pk,
                invitee_id=data["invitee_id"],
                email=None if data["invitee_id"] else data["email"],
                role=data["role"] or CommunityRole.MEMBER,
                message=data["message"],
                access_until=end_of_day(data["access_until"]) if data["access_until"] else None,
            )
            if invitation.role == CommunityRole.GUEST:
                # The service queues the e-mail with the personal link (communities.tasks).
                messages.success(
                    request,
                    _("An invitation e-mail with a personal link is on its way to %(email)s.")
                    % {"email": invitation.email},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s has been invited and will be notified.")
                    % {"name": invitation.invitee.display_name if invitation.invitee else ""},
                )
        elif action in ("role", "remove", "extend"):
            user_id = int_or_none(post.get("user_id"))
            failed.update(id=user_id)
            if user_id is None:
                raise NotFound("membership", _("This person is not a member of the community."))
            if action == "role":
                services.membership_set_role(
                    actor=viewer,
                    community_id=community.pk,
                    user_id=user_id,
                    role=post.get("role", ""),
                )
                messages.success(request, _("The role has been changed."))
            elif action == "remove":
                services.membership_remove(actor=viewer, community_id=community.pk, user_id=user_id)
                messages.success(request, _("The person has been removed from the community."))
            else:
                failed.update(until=post.get("until", ""))
                extend_form = GuestExtendForm(post)
                if not extend_form.is_valid():
                    raise Invalid(_("Enter a valid date."))
                services.guest_access_extend(
                    actor=viewer,
                    community_id=community.pk,
                    user_id=user_id,
                    until=end_of_day(extend_form.cleaned_data["until"]),
                )
                messages.success(request, _("The guest's access has been extended."))
        else:  # transfer
            new_owner_id = int_or_none(post.get("new_owner_id"))
            failed.update(new_owner_id=new_owner_id)
            if new_owner_id is None:
                raise Invalid(_("Choose the new owner in the list."))
            services.ownership_transfer(
                actor=viewer, community_id=community.pk, new_owner_id=new_owner_id
            )
            messages.success(request, _("Ownership has been handed over."))
            if not policy.can_manage(viewer, community):
                return redirect("communities:detail", slug=community.slug)
    except RucherError as error:
        message = error.message
        if invite_form is not None:
            add_service_error(invite_form, error)
            message = ""
        return _render_members(
            request,
            viewer,
            community,
            invite_form=invite_form,
            failed=failed,
            error=message,
            status=error_status(error),
        )
    return redirect("communities:members", slug=community.slug)


# ---------------------------------------------------------------- settings


def _settings_initial(community: Community) -> dict[str, Any]:
    return {
        "name": community.name,
        "slug": community.slug,
        "description": community.description,
        "charter": community.charter,
        "visibility": community.visibility,
        "tags": ", ".join(tag.name for tag in community.tags.order_by("name")),
        "allows_guests": community.allows_guests,
    }


def _render_settings(
    request: HttpRequest,
    community: Community,
    form: CommunitySettingsForm | None,
    *,
    owns: bool,
    error: str = "",
    images_failed: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "community": community,
        "form": form or CommunitySettingsForm(initial=_settings_initial(community)),
        "owns": owns,
        "error": error,
        "images_failed": images_failed,
    }
    return render(request, "communities/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def community_settings(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    community = community_or_404(viewer, slug)
    membership = policy.membership_of(viewer, community)
    if not policy.can_manage(viewer, community, membership):
        raise PermissionDenied(
            _("Only the owners and animators of the community change its settings.")
        )
    owns = policy.is_owner(viewer, community, membership)
    if request.method != "POST":
        return _render_settings(request, community, None, owns=owns)
    action = request.POST.get("action", "save")
    if action in ("archive", "unarchive"):
        try:
            services.community_archive(
                actor=viewer, community_id=community.pk, archived=action == "archive"
            )
        except RucherError as error:
            return _render_settings(
                request, community, None, owns=owns, error=error.message, status=error_status(error)
            )
        messages.success(
            request,
            _("The community is archived: it stays readable, nothing can change in it.")
            if action == "archive"
            else _("The community is active again."),
        )
        return redirect("communities:settings", slug=community.slug)
    form = CommunitySettingsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_settings(request, community, form, owns=owns, status=400)
    try:
        community = services.community_update(
            actor=viewer, community_id=community.pk, changes=form.changes()
        )
    except RucherError as error:
        add_service_error(form, error)
        return _render_settings(request, community, form, owns=owns, status=error_status(error))
    images_failed = False
    for which in ("avatar", "banner"):
        upload = form.cleaned_data[which]
        remove = form.cleaned_data[f"remove_{which}"] and bool(getattr(community, which))
        if not (upload or remove):
            continue
        try:
            community = services.community_set_image(
                actor=viewer, community_id=community.pk, which=which, upload=upload or None
            )
        except RucherError as error:
            add_service_error(form, error)
            images_failed = True
    if images_failed:
        return _render_settings(request, community, form, owns=owns, images_failed=True, status=400)
    messages.success(request, _("The settings have been saved."))
    return redirect("communities:settings", slug=community.slug)
