"""The event log in the admin: read-only, it is append-only by design."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rucher.core.models import ConsumerPosition, Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "occurred_at",
        "verb",
        "actor",
        "target_type",
        "target_id",
        "community_id",
    )
    list_filter = ("verb",)
    search_fields = ("verb", "actor__email")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsumerPosition)
class ConsumerPositionAdmin(admin.ModelAdmin):
    list_display = ("consumer", "last_event_id", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
