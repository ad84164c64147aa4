"""``rucher tokens``: an operator creates, lists and revokes a person's API tokens."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from rucher.accounts.models import ApiToken
from rucher.accounts.services import token_create, token_revoke
from rucher.core.models import Event


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("tokens", *args, stdout=out)
    return out.getvalue().splitlines()


def authenticates(secret: str) -> bool:
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    return response.status_code == 200


def test_create_prints_the_token_alone_on_the_last_line(member):
    lines = run("create", "--user", "member@exemple.fr", "--name", "Backup")
    *info, secret = lines
    assert secret.startswith("rch_")
    assert secret == secret.strip()
    assert " " not in secret
    assert any("Backup" in line and "member@exemple.fr" in line for line in info)
    assert authenticates(secret)
    token = ApiToken.objects.get(user=member, name="Backup")
    assert token.expires_at is None
    assert Event.objects.filter(verb="api_token.created", target_id=token.pk).exists()


def test_the_email_is_matched_whatever_its_case(member):
    *_info, secret = run("create", "--user", "  Member@Exemple.FR ")
    assert authenticates(secret)


def test_create_with_an_expiry(member):
    *info, secret = run("create", "--user", member.email, "--expires-days", "30")
    token = ApiToken.objects.get(user=member)
    assert token.expires_at is not None
    in_thirty_days = timezone.now() + datetime.timedelta(days=30)
    assert abs(token.expires_at - in_thirty_days) < datetime.timedelta(minutes=1)
    assert any("expires" in line for line in info)
    assert authenticates(secret)


@pytest.mark.parametrize("days", ["0", "-5", "100000"])
def test_an_expiry_out_of_range_is_refused(member, days):
    with pytest.raises(CommandError, match="--expires-days"):
        run("create", "--user", member.email, "--expires-days", days)
    assert not ApiToken.objects.filter(user=member).exists()


def test_a_bad_name_is_refused_with_the_services_message(member):
    with pytest.raises(CommandError, match="name"):
        run("create", "--user", member.email, "--name", "   ")


def test_unknown_people_are_named_in_the_error(db):
    for action in (["create"], ["list"], ["revoke", "--id", "1"]):
        with pytest.raises(CommandError, match=r"nobody@exemple\.fr"):
            run(*action, "--user", "nobody@exemple.fr")


def test_no_token_for_a_deactivated_person(deactivated):
    with pytest.raises(CommandError, match="deactivated"):
        run("create", "--user", deactivated.email)
    assert not ApiToken.objects.filter(user=deactivated).exists()


def test_list_shows_tokens_but_never_their_secrets(member):
    token, secret = token_create(actor=member, name="Zapier")
    old, _old_secret = token_create(actor=member, name="Old laptop")
    token_revoke(actor=member, token_id=old.pk)
    authenticates(secret)  # marks it used
    lines = run("list", "--user", member.email)
    assert len(lines) == 2
    zapier = next(line for line in lines if "Zapier" in line)
    assert zapier.startswith(f"{token.pk}\t{token.prefix}")
    assert "last used" in zapier
    assert "never expires" in zapier
    assert "revoked" in next(line for line in lines if "Old laptop" in line)
    assert all(secret not in line for line in lines)


def test_list_without_tokens(member):
    assert run("list", "--user", member.email) == ["member@exemple.fr has no API token."]


def test_list_warns_when_the_person_is_deactivated(deactivated):
    lines = run("list", "--user", deactivated.email)
    assert "deactivated" in lines[0]


def test_revoke_stops_the_token(member):
    *_info, secret = run("create", "--user", member.email, "--name", "CI")
    token = ApiToken.objects.get(user=member, name="CI")
    lines = run("revoke", "--user", member.email, "--id", str(token.pk))
    assert lines == [f"Token “CI” (id {token.pk}) is revoked."]
    assert not authenticates(secret)
    # Revoking again is harmless.
    run("revoke", "--user", member.email, "--id", str(token.pk))


def test_nobody_revokes_another_persons_token(member, manager):
    token, secret = token_create(actor=member, name="mine")
    with pytest.raises(CommandError, match=f"no token with id {token.pk}"):
        run("revoke", "--user", manager.email, "--id", str(token.pk))
    assert authenticates(secret)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["create"],
        ["explode", "--user", "member@exemple.fr"],
        ["revoke", "--user", "member@exemple.fr"],
        ["revoke", "--user", "member@exemple.fr", "--id", "one"],
    ],
)
def test_usage_errors_are_command_errors(member, args):
    with pytest.raises(CommandError):
        run(*args)
