"""Communities, their kinds and members, and the ways in: requests and invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rucher.core import clock
from rucher.core.models import Tag

if TYPE_CHECKING:
    from rucher.accounts.models import User


class Visibility(models.TextChoices):
    OPEN = "open", _("Open")
    PRIVATE = "private", _("Private")
    SECRET = "secret", _("Secret")


class CommunityRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ANIMATOR = "animator", _("Animator")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


MANAGING_ROLES = (CommunityRole.OWNER, CommunityRole.ANIMATOR)


class CommunityKind(models.Model):
    """A kind of community and the template a new community of that kind starts from."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    description_template_en = models.TextField(_("description skeleton (English)"), blank=True)
    description_template_fr = models.TextField(_("description skeleton (French)"), blank=True)
    default_visibility = models.CharField(
        _("default visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.OPEN,
    )
    default_charter_en = models.TextField(_("default charter (English)"), blank=True)
    default_charter_fr = models.TextField(_("default charter (French)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("community kind")
        verbose_name_plural = _("community kinds")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if _is_french(get_language()) else self.name_en

    def description_template(self, language: str | None = None) -> str:
        """The skeleton in ``language`` (default: the active one), else in the other."""
        return _in_language(language, self.description_template_en, self.description_template_fr)

    def default_charter(self, language: str | None = None) -> str:
        """The charter in ``language`` (default: the active one), else in the other."""
        return _in_language(language, self.default_charter_en, self.default_charter_fr)


def _is_french(language: str | None) -> bool:
    return (language or "en").startswith("fr")


def _in_language(language: str | None, english: str, french: str) -> str:
    # An administrator may fill one language only: the other is better than nothing.
    if _is_french(language or get_language()):
        return french or english
    return english or french


class CommunityQuerySet(models.QuerySet["Community"]):
    def visible_to(self, user: User) -> CommunityQuerySet:
        from rucher.communities.policy import communities_visible_to

        return communities_visible_to(user, self)  # type: ignore[return-value]


class Community(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    kind = models.ForeignKey(
        CommunityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="communities"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    charter = models.TextField(_("charter"), max_length=10000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="communities/avatars/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="communities/banners/", blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="communities"
    )
    allows_guests = models.BooleanField(_("partner guests allowed"), default=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The launch checklist of the opening process; a date when each step was done.
    charter_written_at = models.DateTimeField(null=True, blank=True)
    welcome_posted_at = models.DateTimeField(null=True, blank=True)
    first_members_invited_at = models.DateTimeField(null=True, blank=True)
    animator_briefed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[CommunityQuerySet] = CommunityQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        """Memberships in force now: a guest's ends at its expiry date."""
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=clock.now()))


class Membership(models.Model):
    # Both served by the composite indexes of Meta that begin with them.
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=10, choices=CommunityRole.choices)
    joined_at = models.DateTimeField(_("joined at"), default=clock.now)
    expires_at = models.DateTimeField(
        _("access until"), null=True, blank=True, help_text=_("For partner guests.")
    )

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="unique_membership")
        ]
        indexes = [models.Index(fields=["user", "community"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} as {self.role}"

    @property
    def manages(self) -> bool:
        return self.role in MANAGING_ROLES


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class JoinRequest(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    reply = models.TextField(_("reply"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), default=clock.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.community_id} ({self.status})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    """An invitation to a community: an internal person by account, a partner by e-mail."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=CommunityRole.choices)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("invited at"), default=clock.now)
    expires_at = models.DateTimeField(_("invitation valid until"))
    access_until = models.DateTimeField(
        _("guest access until"), null=True, blank=True, help_text=_("For partner guests.")
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.community_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > clock.now()


class CreationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUESTIONS = "questions", _("Questions asked")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CreationRequest(models.Model):
    """A request to open a community, reviewed by the ESN project team."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creation_requests"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.ForeignKey(CommunityKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    purpose = models.TextField(_("purpose"), max_length=5000)
    intended_members = models.TextField(
        _("intended members"),
        max_length=5000,
        help_text=_("Who should join: teams, roles, names, how many people."),
    )
    animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    expected_activity = models.TextField(_("expected activity"), max_length=5000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CreationStatus.choices,
        default=CreationStatus.SUBMITTED,
    )
    decision_reason = models.TextField(_("reason"), max_length=5000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.OneToOneField(
        Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="creation_request"
    )
    created_at = models.DateTimeField(_("submitted at"), default=clock.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("creation request")
        verbose_name_plural = _("creation requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in (CreationStatus.SUBMITTED, CreationStatus.QUESTIONS)


class CreationRequestMessage(models.Model):
    """The conversation between the requester and the project team about a creation request."""

    request = models.ForeignKey(CreationRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.body[:30]}"
