"""Django admin for people and the organisation: reads freely, writes through services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rucher.accounts import services
from rucher.accounts.models import ApiToken, OrgUnit, Role, Site, User
from rucher.core.errors import RucherError
from rucher.core.http import request_user


def _run_for_each(request: HttpRequest, queryset: QuerySet[Any], action: Any, done: str) -> None:
    count = 0
    for obj in queryset:
        try:
            action(obj)
        except RucherError as error:
            messages.error(request, f"{obj}: {error.message}")
        else:
            count += 1
    if count:
        messages.success(request, done % {"count": count})


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("display_name", "email", "role", "is_active", "date_joined", "last_presence_on")
    list_filter = ("role", "is_active")
    search_fields = ("display_name", "email")
    ordering = ("display_name",)
    readonly_fields = (
        "email",
        "display_name",
        "role",
        "is_active",
        "date_joined",
        "deactivated_at",
        "last_presence_on",
        "last_login",
        "language",
    )
    exclude = ("password",)
    actions = ["deactivate", "reactivate", "make_employee", "make_project_team", "make_admin"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People come from HR provisioning, the directory or `rucher` commands, all of which
        # go through services; a bare admin form would skip their checks and events.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Deactivate the selected people"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request_user(request)
        _run_for_each(
            request,
            queryset,
            lambda person: services.user_deactivate(actor=actor, person_id=person.pk),
            str(_("%(count)d people deactivated.")),
        )

    @admin.action(description=_("Reactivate the selected people"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request_user(request)
        _run_for_each(
            request,
            queryset,
            lambda person: services.user_reactivate(actor=actor, person_id=person.pk),
            str(_("%(count)d people reactivated.")),
        )

    def _set_role(self, request: HttpRequest, queryset: QuerySet[User], role: str) -> None:
        _run_for_each(
            request,
            queryset,
            lambda person: services.user_set_role(
                actor=request_user(request), person_id=person.pk, role=role
            ),
            str(_("Role changed for %(count)d people.")),
        )

    @admin.action(description=_("Make the selected people employees"))
    def make_employee(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, Role.EMPLOYEE)

    @admin.action(description=_("Add the selected people to the ESN project team"))
    def make_project_team(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, Role.PROJECT_TEAM)

    @admin.action(description=_("Make the selected people administrators"))
    def make_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_role(request, queryset, Role.ADMIN)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "kind", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    fields = ("name", "kind", "parent", "code")

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit: OrgUnit) -> str:
        return "— " * unit.depth + unit.name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Moving a unit would rewrite the paths of its subtree; that belongs to HR sync.
        return ("parent", "kind") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.org_unit_create(
            actor=request_user(request),
            name=obj.name,
            kind=obj.kind,
            parent_id=obj.parent_id,
            code=obj.code,
        )
        obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country")
    search_fields = ("name", "city")

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.site_create(
            actor=request_user(request), name=obj.name, city=obj.city, country=obj.country
        )
        obj.pk = created.pk


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "prefix")
    readonly_fields = list_display
    exclude = ("digest",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
