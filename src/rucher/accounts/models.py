"""People, their profiles, the organisation tree, sites, follows and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from rucher.core.models import Tag


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    GUEST = "guest", _("Partner guest")
    PROJECT_TEAM = "project_team", _("ESN project team")
    ADMIN = "admin", _("Administrator")


class UserQuerySet(models.QuerySet["User"]):
    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, viewer: User) -> UserQuerySet:
        from rucher.accounts.policy import people_visible_to

        return people_visible_to(viewer, self)  # type: ignore[return-value]


class UserManager(BaseUserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def active(self) -> UserQuerySet:
        return self.get_queryset().active()

    def visible_to(self, viewer: User) -> UserQuerySet:
        return self.get_queryset().visible_to(viewer)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        from rucher.accounts.services import user_create

        return user_create(actor=None, email=email, password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser):
    """A person who can log in. Deactivated people keep their row so content stays attributed."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    is_active = models.BooleanField(_("active"), default=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: follow the browser."),
    )
    date_joined = models.DateTimeField(_("date joined"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    last_presence_on = models.DateField(_("last seen on"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_staff(self) -> bool:
        """Access to Django's admin site: administrators only."""
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_superuser(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Django admin permissions follow the global role, not per-model grants."""
        return self.is_superuser

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_superuser

    @property
    def is_guest(self) -> bool:
        return self.role == Role.GUEST

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_project_team(self) -> bool:
        return self.role in (Role.PROJECT_TEAM, Role.ADMIN)

    @property
    def initials(self) -> str:
        parts = [part for part in self.display_name.split() if part]
        letters = "".join(part[0] for part in parts[:2]) or self.email[:1]
        return letters.upper()


class OrgUnit(models.Model):
    """A node of the organisation tree. ``path`` ("/1/4/9/") makes subtree queries one LIKE."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        DIVISION = "division", _("Division")
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=64, blank=True, db_index=True)
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What a person says about themselves and what HR says about them."""

    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="profile"
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    manager = models.ForeignKey(
        User,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_profiles",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    company = models.CharField(
        _("company"), max_length=120, blank=True, help_text=_("For partner guests.")
    )
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    photo_thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/thumbs/", blank=True)
    skills = models.ManyToManyField(
        Tag, verbose_name=_("skills and expertise"), blank=True, related_name="skilled_profiles"
    )
    interests = models.ManyToManyField(
        Tag, verbose_name=_("interests"), blank=True, related_name="interested_profiles"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class SpokenLanguage(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8)

    class Meta:
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="unique_spoken_language")
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_links")
    followed = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_follow"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="no_self_follow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followed_id}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
