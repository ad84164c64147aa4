"""The admin site: for administrators only, and its actions go through services."""

from __future__ import annotations

from django.urls import reverse

from rucher.core.models import Event


def test_only_administrators_reach_the_admin(client, admin, member, project_lead):
    for person, expected in ((member, 302), (project_lead, 302), (admin, 200)):
        client.force_login(person)
        assert client.get(reverse("admin:index")).status_code == expected


def test_admin_deactivation_action_records_the_event(client, admin, member):
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [member.pk]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert Event.objects.filter(verb="user.deactivated", actor=admin, target_id=member.pk).exists()


def test_admin_cannot_deactivate_themselves(client, admin):
    client.force_login(admin)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [admin.pk]},
    )
    admin.refresh_from_db()
    assert admin.is_active


def test_event_log_is_read_only_in_the_admin(client, admin, member):
    client.force_login(admin)
    event = Event.objects.first()
    assert client.get(reverse("admin:core_event_changelist")).status_code == 200
    response = client.post(reverse("admin:core_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_org_unit_created_in_the_admin_gets_its_tree_path(client, admin, org):
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_orgunit_add"),
        {"name": "Signalling team", "kind": "team", "parent": org["department"].pk, "code": "SIG"},
    )
    assert response.status_code == 302
    from rucher.accounts.models import OrgUnit

    unit = OrgUnit.objects.get(name="Signalling team")
    assert unit.path == f"{org['department'].path}{unit.pk}/"
    assert Event.objects.filter(verb="org_unit.created", target_id=unit.pk, actor=admin).exists()
