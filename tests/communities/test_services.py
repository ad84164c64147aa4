"""Community services: membership flows, roles, invitations, creation requests, guests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rucher.communities import policy, services
from rucher.communities.models import (
    Community,
    CommunityRole,
    CreationStatus,
    Membership,
    RequestStatus,
)
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.notifications.models import Notification


def test_direct_creation_follows_the_organisation_setting(admin, member):
    with pytest.raises(Forbidden):
        services.community_create(actor=member, name="Lean", kind="best_practice")
    services.organisation_settings_update(actor=admin, community_creation="direct")
    community = services.community_create(actor=member, name="Lean", kind="best_practice")
    assert community.visibility == "open"  # the kind's default
    assert "practice" in community.charter  # the kind's default charter
    assert Membership.objects.get(community=community).role == CommunityRole.OWNER
    assert community.charter_written_at is not None


def test_slugs_are_unique_and_a_taken_one_is_refused(admin, project_lead):
    first = services.community_create(actor=project_lead, name="Data", kind="interest")
    second = services.community_create(actor=project_lead, name="Data", kind="interest")
    assert (first.slug, second.slug) == ("data", "data-2")
    with pytest.raises(Conflict) as error:
        services.community_create(actor=project_lead, name="Other", kind="interest", slug="data")
    assert "slug" in error.value.fields
    assert Community.objects.count() == 2


def test_open_join_and_private_request_flow(communities, outsider, animator):
    open_one, private = communities["open"], communities["private"]
    services.membership_join(actor=outsider, community_id=open_one.pk)
    assert policy.membership_of(outsider, open_one) is not None
    with pytest.raises(Forbidden):
        services.membership_join(actor=outsider, community_id=private.pk)
    request = services.join_request_create(
        actor=outsider, community_id=private.pk, message="I work on this too."
    )
    with pytest.raises(Conflict):
        services.join_request_create(actor=outsider, community_id=private.pk)
    assert Notification.objects.filter(recipient=animator, verb="join_request.created").exists()
    services.join_request_decide(
        actor=animator, request_id=request.pk, accept=True, reply="Welcome"
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert policy.can_read(outsider, private)
    assert Notification.objects.filter(recipient=outsider, verb="join_request.accepted").exists()


def test_secret_community_is_missing_for_strangers(communities, outsider):
    secret = communities["secret"]
    with pytest.raises(NotFound):
        services.join_request_create(actor=outsider, community_id=secret.pk)
    with pytest.raises(NotFound):
        policy.access_community(user=outsider, community_id=secret.pk)
    with pytest.raises(NotFound):
        policy.access_community(user=outsider, slug=secret.slug)


def test_last_owner_cannot_leave_or_lose_the_role(communities, owner, member):
    community = communities["open"]
    with pytest.raises(Conflict):
        services.membership_leave(actor=owner, community_id=community.pk)
    with pytest.raises(Conflict):
        services.membership_set_role(
            actor=owner, community_id=community.pk, user_id=owner.pk, role="member"
        )
    services.ownership_transfer(actor=owner, community_id=community.pk, new_owner_id=member.pk)
    roles = dict(Membership.objects.filter(community=community).values_list("user_id", "role"))
    assert roles[member.pk] == "owner"
    assert roles[owner.pk] == "animator"
    services.membership_leave(actor=owner, community_id=community.pk)


def test_animators_cannot_touch_owners(communities, animator, owner):
    with pytest.raises(Forbidden):
        services.membership_remove(
            actor=animator, community_id=communities["open"].pk, user_id=owner.pk
        )


def test_inviting_a_member_again_is_refused_with_a_reason(communities, owner, member):
    with pytest.raises(Conflict) as error:
        services.invitation_create(
            actor=owner, community_id=communities["open"].pk, invitee_id=member.pk
        )
    assert "already a member" in error.value.message


def test_inviting_an_unknown_person_is_refused(communities, owner):
    with pytest.raises(Invalid):
        services.invitation_create(actor=owner, community_id=communities["open"].pk, invitee_id=0)


def test_partner_signup_by_invitation_link(communities, owner):
    invitation, token = services.invitation_create(
        actor=owner, community_id=communities["private"].pk, email="new.partner@acme.example"
    )
    assert invitation.role == CommunityRole.GUEST
    guest = services.guest_signup(
        token=token,
        display_name="Nina Partner",
        password="a long partner passphrase",
        company="ACME",
    )
    assert guest.is_guest
    assert list(Community.objects.visible_to(guest)) == [communities["private"]]
    with pytest.raises(NotFound):
        services.invitation_by_token(token)  # used


def test_guest_sees_only_invited_communities_and_co_members(communities, guest, other_guest):
    from rucher.accounts.models import User

    assert set(Community.objects.visible_to(guest)) == {
        communities["open"],
        communities["private"],
        communities["secret"],
    }
    visible_people = set(User.objects.visible_to(guest))
    assert other_guest not in visible_people
    assert set(Community.objects.visible_to(other_guest)) == {communities["elsewhere"]}


def test_guest_access_expires_on_the_next_request(communities, guest, owner):
    membership = Membership.objects.get(community=communities["private"], user=guest)
    Membership.objects.filter(pk=membership.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert communities["private"] not in set(Community.objects.visible_to(guest))
    services.guest_access_extend(
        actor=owner,
        community_id=communities["private"].pk,
        user_id=guest.pk,
        until=timezone.now() + datetime.timedelta(days=30),
    )
    assert communities["private"] in set(Community.objects.visible_to(guest))


def test_guests_need_the_organisation_switch(admin, project_lead):
    community = services.community_create(
        actor=project_lead, name="Partners", kind="project", allows_guests=True
    )
    with pytest.raises(Forbidden):
        services.invitation_create(
            actor=project_lead, community_id=community.pk, email="x@partner.example"
        )


def test_creation_request_review_and_approval(admin, project_lead, member, animator):
    request = services.creation_request_submit(
        actor=member,
        name="Predictive maintenance",
        kind="project",
        visibility="private",
        purpose="Share sensor data analyses",
        intended_members="The 12 people of the rail team",
        animator_id=animator.pk,
        expected_activity="Two posts a week",
    )
    assert Notification.objects.filter(recipient=project_lead, verb="creation_request.submitted")
    services.creation_request_comment(
        actor=project_lead, request_id=request.pk, body="Who sponsors it?"
    )
    request.refresh_from_db()
    assert request.status == CreationStatus.QUESTIONS
    services.creation_request_comment(actor=member, request_id=request.pk, body="My manager.")
    with pytest.raises(Invalid):
        services.creation_request_decide(actor=project_lead, request_id=request.pk, approve=False)
    services.creation_request_decide(actor=project_lead, request_id=request.pk, approve=True)
    request.refresh_from_db()
    community = request.community
    assert community is not None
    assert community.visibility == "private"
    roles = dict(Membership.objects.filter(community=community).values_list("user_id", "role"))
    assert roles == {member.pk: "owner", animator.pk: "animator"}
    assert "## Goal" in community.description
    assert Event.objects.filter(verb="creation_request.approved", community_id=community.pk)


def test_a_stranger_cannot_see_or_decide_a_creation_request(member, outsider, animator):
    request = services.creation_request_submit(
        actor=member,
        name="X",
        kind="project",
        visibility="open",
        purpose="p",
        intended_members="i",
        animator_id=animator.pk,
        expected_activity="e",
    )
    with pytest.raises(NotFound):
        services.creation_request_decide(actor=outsider, request_id=request.pk, approve=True)
    with pytest.raises(NotFound):
        services.creation_request_comment(actor=outsider, request_id=request.pk, body="hi")


def test_archived_community_is_read_only(communities, owner, outsider):
    services.community_archive(actor=owner, community_id=communities["open"].pk)
    with pytest.raises(Conflict):
        services.membership_join(actor=outsider, community_id=communities["open"].pk)


def test_notifications_are_not_made_twice_on_replay(communities, outsider, animator):
    from rucher.core import events
    from rucher.notifications.consumer import CONSUMER, consume

    services.join_request_create(actor=outsider, community_id=communities["private"].pk)
    before = Notification.objects.count()
    events.reset(consumer=CONSUMER)
    consume()
    assert Notification.objects.count() == before


def test_a_partner_invitation_is_e_mailed_with_its_link(communities, owner, mailoutbox):
    invitation, token = services.invitation_create(
        actor=owner,
        community_id=communities["private"].pk,
        email="Nina@ACME.example",
        message="Welcome aboard!",
    )
    assert invitation.email == "nina@acme.example"
    sent = [message for message in mailoutbox if message.to == ["nina@acme.example"]]
    assert len(sent) == 1
    message = sent[0]
    assert message.to == ["nina@acme.example"]
    assert "Private circle" in message.subject
    assert f"/communities/join/{token}/" in message.body
    assert "Welcome aboard!" in message.body
    assert "partner guest" in message.body


def test_texts_that_are_too_long_are_refused_not_cut(communities, animator, outsider):
    request = services.join_request_create(actor=outsider, community_id=communities["private"].pk)
    with pytest.raises(Invalid) as error:
        services.join_request_decide(
            actor=animator, request_id=request.pk, accept=False, reply="x" * 2001
        )
    assert "reply" in error.value.fields


def test_a_deactivated_owner_does_not_count_as_an_owner(communities, owner, member, admin):
    from rucher.accounts.services import user_deactivate

    community = communities["open"]
    services.membership_set_role(
        actor=owner, community_id=community.pk, user_id=member.pk, role="owner"
    )
    user_deactivate(actor=admin, person_id=owner.pk)
    with pytest.raises(Conflict):
        services.membership_leave(actor=member, community_id=community.pk)


def test_an_e_mailed_invitation_makes_a_secret_community_visible_to_its_new_account(
    communities, owner, admin
):
    from tests.conftest import make_person

    services.invitation_create(
        actor=owner, community_id=communities["secret"].pk, email="late.comer@exemple.fr"
    )
    late = make_person("late.comer@exemple.fr", "Late Comer")
    assert communities["secret"] in set(Community.objects.visible_to(late))


def test_a_backdated_community_is_backdated_in_the_event_log(project_lead):
    then = timezone.now() - datetime.timedelta(days=400)
    community = services.community_create(
        actor=project_lead, name="History", kind="interest", occurred_at=then
    )
    created = Event.objects.get(verb="community.created", community_id=community.pk)
    joined = Event.objects.get(verb="membership.joined", community_id=community.pk)
    assert created.occurred_at == then
    assert joined.occurred_at == then
