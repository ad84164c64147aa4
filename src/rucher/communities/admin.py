"""Django admin for communities: administrators add and edit kinds; the rest is read-only here.

Communities, memberships, requests and invitations change through the application's pages and
services (which check the rules and record events); the admin shows them, and archives or
reactivates communities through the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.communities import services
from rucher.communities.models import (
    Community,
    CommunityKind,
    CommunityRole,
    CreationRequest,
    Invitation,
    JoinRequest,
    Membership,
)
from rucher.core.errors import RucherError
from rucher.core.http import request_user


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommunityKind)
class CommunityKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_fr", "default_visibility", "position", "in_use")
    list_editable = ("position",)
    search_fields = ("code", "name_en", "name_fr")
    fields = (
        "code",
        "name_en",
        "name_fr",
        "default_visibility",
        "position",
        "description_template_en",
        "description_template_fr",
        "default_charter_en",
        "default_charter_fr",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CommunityKind]:
        return super().get_queryset(request).annotate(community_count=Count("communities"))

    @admin.display(description=_("communities"), ordering="community_count")
    def in_use(self, kind: CommunityKind) -> int:
        return getattr(kind, "community_count", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Links and filters use the code; it is fixed once the kind exists.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_delete_permission(request)
        in_use = obj.communities.exists() or CreationRequest.objects.filter(kind=obj).exists()
        return not in_use and super().has_delete_permission(request, obj)


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Active")), ("yes", _("Archived"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        return queryset


@admin.register(Community)
class CommunityAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "kind", "visibility", "members", "created_at", "archived_at")
    list_filter = ("kind", "visibility", ArchivedFilter, "allows_guests")
    search_fields = ("name", "slug", "description")
    list_select_related = ("kind",)
    date_hierarchy = "created_at"
    # A read-only file field shows a link to the file's URL, and files are never served by
    # URL (decision 0004): the images are seen on the community's page, through the policy.
    exclude = ("tags", "avatar", "banner")
    actions = ["archive", "unarchive"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Community]:
        now = timezone.now()
        current = Q(memberships__expires_at__isnull=True) | Q(memberships__expires_at__gt=now)
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("memberships", filter=current))
        )

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, community: Community) -> int:
        return getattr(community, "member_count", 0)

    def _archive(self, request: HttpRequest, queryset: QuerySet[Community], archived: bool) -> None:
        actor = request_user(request)
        count = 0
        for community in queryset:
            try:
                services.community_archive(
                    actor=actor, community_id=community.pk, archived=archived
                )
            except RucherError as error:
                messages.error(request, f"{community}: {error.message}")
            else:
                count += 1
        if count:
            messages.success(request, _("%(count)d communities updated.") % {"count": count})

    @admin.action(description=_("Archive the selected communities"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        self._archive(request, queryset, True)

    @admin.action(description=_("Make the selected communities active again"))
    def unarchive(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        self._archive(request, queryset, False)


class GuestFilter(admin.SimpleListFilter):
    """The guests list: every partner guest's membership, current or ended."""

    title = _("partner guests")
    parameter_name = "guests"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("current", _("Current guests")), ("ended", _("Ended guest access"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        guests = queryset.filter(role=CommunityRole.GUEST)
        if self.value() == "current":
            return guests.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "ended":
            return guests.filter(expires_at__lte=now)
        return queryset


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "community", "role", "joined_at", "expires_at")
    list_filter = (GuestFilter, "role")
    search_fields = ("user__display_name", "user__email", "community__name")
    list_select_related = ("user", "community")


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ("user", "community", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__display_name", "community__name")
    list_select_related = ("user", "community")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "community", "role", "status", "created_at", "expires_at")
    list_filter = ("status", "role")
    search_fields = ("email", "community__name")
    list_select_related = ("community",)
    exclude = ("token_digest",)


@admin.register(CreationRequest)
class CreationRequestAdmin(ReadOnlyAdmin):
    list_display = ("name", "requester", "kind", "status", "created_at", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "requester__display_name")
    list_select_related = ("requester", "kind")
