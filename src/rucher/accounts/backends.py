"""Log-in by e-mail address (case-insensitive) and password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from rucher.accounts.models import User


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email.lower()).first()
        if user is None:
            # Same cost whether or not the address exists, so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).select_related("profile").first()
        return user if user is not None and self.user_can_authenticate(user) else None
