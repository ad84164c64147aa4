"""``rucher tokens``: create, list and revoke a person's personal API tokens.

``create`` prints the token alone on its last line, so that scripts can capture it with
``rucher tokens create --user EMAIL | tail -n 1``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import ApiToken, User
from rucher.accounts.services import token_create, token_revoke
from rucher.core.errors import Invalid, NotFound

MAX_EXPIRY_DAYS = 3650


class Command(BaseCommand):
    help = "Manage personal API tokens: create, list or revoke the tokens of a person."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a token; prints it on the last line.")
        create.add_argument("--user", required=True, metavar="EMAIL", help="Whose token.")
        create.add_argument("--name", default="Command line", help="What the token is for.")
        create.add_argument(
            "--expires-days",
            type=int,
            metavar="N",
            help=f"Stop working after N days (1 to {MAX_EXPIRY_DAYS}); default: never.",
        )
        listing = actions.add_parser("list", help="List a person's tokens (never the secrets).")
        listing.add_argument("--user", required=True, metavar="EMAIL")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("--user", required=True, metavar="EMAIL")
        revoke.add_argument("--id", type=int, required=True, dest="token_id", metavar="N")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._person(options["user"])
        if options["action"] == "create":
            self._create(user, name=options["name"], expires_days=options["expires_days"])
        elif options["action"] == "list":
            self._list(user)
        else:
            self._revoke(user, token_id=options["token_id"])

    def _person(self, email: str) -> User:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(_("No one has the e-mail address %s.") % email)
        return user

    def _create(self, user: User, *, name: str, expires_days: int | None) -> None:
        if not user.is_active:
            # The token could never authenticate: say so rather than print a dead secret.
            raise CommandError(
                _("%s is deactivated; reactivate them before creating a token.") % user.email
            )
        expires_at = None
        if expires_days is not None:
            if not 1 <= expires_days <= MAX_EXPIRY_DAYS:
                raise CommandError(_("--expires-days must be between 1 and %d.") % MAX_EXPIRY_DAYS)
            expires_at = timezone.now() + datetime.timedelta(days=expires_days)
        try:
            token, secret = token_create(actor=user, name=name, expires_at=expires_at)
        except Invalid as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _("Created token “%(name)s” (id %(id)d) for %(person)s <%(email)s>, %(expiry)s.")
            % {
                "name": token.name,
                "id": token.pk,
                "person": user.display_name,
                "email": user.email,
                "expiry": _expiry(token),
            }
        )
        self.stdout.write(
            _("It is shown this once only. Send it as: Authorization: Bearer <token>")
        )
        self.stdout.write(secret)

    def _list(self, user: User) -> None:
        if not user.is_active:
            self.stdout.write(_("%s is deactivated: none of their tokens works.") % user.email)
        # A person's own tokens, looked up for an operator at the console: no viewer to check.
        tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))
        if not tokens:
            self.stdout.write(_("%s has no API token.") % user.email)
            return
        for token in tokens:
            last_used = (
                _("last used %s") % _when(token.last_used_at)
                if token.last_used_at
                else _("never used")
            )
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.name}\t"
                f"{_('created %s') % _when(token.created_at)}\t{last_used}\t{_status(token)}"
            )

    def _revoke(self, user: User, *, token_id: int) -> None:
        try:
            token = token_revoke(actor=user, token_id=token_id)
        except NotFound:
            raise CommandError(
                _("%(email)s has no token with id %(id)d.") % {"email": user.email, "id": token_id}
            ) from None
        self.stdout.write(
            _("Token “%(name)s” (id %(id)d) is revoked.") % {"name": token.name, "id": token.pk}
        )


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _expiry(token: ApiToken) -> str:
    if token.expires_at is None:
        return _("never expires")
    return _("expires %s") % _when(token.expires_at)


def _status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return _("revoked %s") % _when(token.revoked_at)
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return _("expired %s") % _when(token.expires_at)
    return _expiry(token)
