"""The event log (the spine of Rucher), consumer positions on it, and shared tags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One thing that happened, appended by a service in the same transaction as the change.

    Never updated, never deleted: notifications, search indexing, webhooks, audit and
    analytics rollups read it in order of ``id``, each from its own position.
    """

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.BigIntegerField(_("target id"), null=True, blank=True)
    # A plain integer rather than a foreign key: the log outlives what it speaks of, and the
    # communities app must not be a dependency of the core. Not indexed: no query reads the
    # log by community, and each index is one more b-tree written per event.
    community_id = models.BigIntegerField(_("community"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # When the row was written, unlike ``occurred_at`` which an import may set in the past.
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} {self.target_type}:{self.target_id}"


class ConsumerPosition(models.Model):
    """How far a consumer of the event log has read (the last event id it has handled)."""

    consumer = models.CharField(_("consumer"), max_length=64, unique=True)
    last_event_id = models.BigIntegerField(_("last event"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consumer position")
        verbose_name_plural = _("consumer positions")

    def __str__(self) -> str:
        return f"{self.consumer} @ {self.last_event_id}"


class Tag(models.Model):
    """A normalised keyword: skills, interests, and later community tags and hashtags."""

    name = models.CharField(_("name"), max_length=64)
    slug = models.SlugField(_("slug"), max_length=64, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationSettings(models.Model):
    """Organisation-wide switches an administrator sets. A single row (pk=1)."""

    class CommunityCreation(models.TextChoices):
        DIRECT = "direct", _("Employees create communities directly")
        REQUEST = "request", _("Employees submit a creation request to the ESN project team")

    community_creation = models.CharField(
        _("opening of communities"),
        max_length=10,
        choices=CommunityCreation.choices,
        default=CommunityCreation.REQUEST,
    )
    guests_allowed = models.BooleanField(_("partner guests allowed"), default=False)
    guest_access_days = models.PositiveSmallIntegerField(
        _("default guest access (days)"), default=90
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")

    def __str__(self) -> str:
        return str(_("Organisation settings"))

    @classmethod
    def current(cls) -> OrganisationSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class PeriodicRun(models.Model):
    """When a periodic job (rucher.core.periodic) last ran, shared by every worker process."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
