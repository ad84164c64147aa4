"""Community pages: what each persona sees and can do, through the real views.

Data comes from the shared ``communities`` fixture (created through services). Assertions are
about what a person notices: a page, a message, a button, a list entry.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from rucher.accounts.models import User
from rucher.communities import services
from rucher.communities.models import (
    Community,
    CommunityRole,
    CreationRequest,
    CreationStatus,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
)
from rucher.core.models import OrganisationSettings
from tests.conftest import PASSWORD, invite_and_accept, make_person

pytestmark = pytest.mark.usefixtures("shared_cast")

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


def _without_csrf(content: bytes) -> bytes:
    return CSRF.sub(b"csrf", content)


def _detail(community: Community) -> str:
    return reverse("communities:detail", args=[community.slug])


def _members(community: Community) -> str:
    return reverse("communities:members", args=[community.slug])


def _settings(community: Community) -> str:
    return reverse("communities:settings", args=[community.slug])


def _member_of(person: User, community: Community) -> bool:
    return Membership.objects.current().filter(user=person, community=community).exists()


def _png(size: tuple[int, int] = (300, 200)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 20)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "picture.png"
    return buffer


@pytest.fixture
def as_(client):
    def log_in(person: User):
        client.logout()
        client.force_login(person)
        return client

    return log_in


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# ---------------------------------------------------------------- directory


def test_directory_shows_each_persona_what_they_may_see(as_, communities, outsider, guest, admin):
    page = as_(outsider).get(reverse("communities:list")).content.decode()
    assert "Open circle" in page and "Private circle" in page and "Elsewhere" in page
    assert "Secret circle" not in page
    # The visibility filter does not even tell an outsider that secret communities exist.
    assert 'value="secret"' not in page

    page = as_(guest).get(reverse("communities:list")).content.decode()
    assert "Open circle" in page and "Secret circle" in page
    assert "Elsewhere" not in page
    assert "Create a community" not in page and "Request a community" not in page

    page = as_(admin).get(reverse("communities:list")).content.decode()
    assert "Secret circle" in page and 'value="secret"' in page


def test_directory_search_filters_and_my_communities(as_, communities, member, outsider, owner):
    services.community_update(
        actor=owner, community_id=communities["private"].pk, changes={"tags": "Signalling, Rail"}
    )
    client = as_(outsider)
    url = reverse("communities:list")
    found = client.get(url, {"q": "signal"}).content.decode()
    assert "Private circle" in found and "Open circle" not in found
    by_description = client.get(url, {"q": "open community"}).content.decode()
    assert "Open circle" in by_description and "Private circle" not in by_description
    by_kind = client.get(url, {"kind": "project"}).content.decode()
    assert "Elsewhere" in by_kind and "Open circle" not in by_kind
    private_only = client.get(url, {"visibility": "private"}).content.decode()
    assert "Private circle" in private_only and "Open circle" not in private_only
    # An outsider asking for secret ones gets the unfiltered list, not an empty "secret" one.
    asked_secret = client.get(url, {"visibility": "secret"}).content.decode()
    assert "Open circle" in asked_secret and "Secret circle" not in asked_secret

    mine = as_(member).get(url, {"mine": "1"}).content.decode()
    assert "Secret circle" in mine and "Elsewhere" not in mine
    assert ">Member<" in mine.replace("</svg> ", ">")


def test_directory_answers_htmx_with_the_results_only(as_, communities, outsider):
    response = as_(outsider).get(
        reverse("communities:list"),
        {"q": "open"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "Open circle" in body


def test_create_or_request_button_follows_the_organisation_setting(
    as_, communities, member, admin, project_lead
):
    client = as_(member)
    assert "Create a community" in client.get(reverse("communities:list")).content.decode()
    services.organisation_settings_update(actor=admin, community_creation="request")
    page = client.get(reverse("communities:list")).content.decode()
    assert "Request a community" in page and "Create a community" not in page
    response = client.get(reverse("communities:create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:request_create")
    # The project team still opens communities directly.
    assert as_(project_lead).get(reverse("communities:create")).status_code == 200


def test_pending_invitations_are_announced_in_the_directory(as_, communities, owner, outsider):
    services.invitation_create(
        actor=owner, community_id=communities["secret"].pk, invitee_id=outsider.pk
    )
    page = as_(outsider).get(reverse("communities:list")).content.decode()
    assert "You have 1 invitation waiting for an answer." in page


# ---------------------------------------------------------------- a community's page


def test_secret_community_is_byte_for_byte_a_missing_one(as_, communities, outsider, owner):
    secret = communities["secret"]
    client = as_(outsider)
    paths = [
        _detail(secret),
        _members(secret),
        _settings(secret),
        reverse("communities:image", args=[secret.slug, "avatar"]),
    ]
    hidden = [client.get(path) for path in paths]
    # The same addresses once no community has this slug any more.
    services.community_update(actor=owner, community_id=secret.pk, changes={"slug": "moved"})
    missing = [client.get(path) for path in paths]
    for path, one, other in zip(paths, hidden, missing, strict=True):
        assert one.status_code == other.status_code == 404, path
        assert _without_csrf(one.content) == _without_csrf(other.content), path
        assert sorted(one.headers.items()) == sorted(other.headers.items()), path


def test_private_community_shows_its_card_but_not_its_inside_to_non_members(
    as_, communities, outsider, member
):
    private = communities["private"]
    page = as_(outsider).get(_detail(private)).content.decode()
    assert "The private community of the tests." in page
    assert "Olivia Owner" in page and "Antoine Animateur" in page  # who answers requests
    assert "4 members" in page  # owner, animator, member and the partner guest
    assert "Share what you learn" not in page  # the charter is for members
    assert 'data-testid="members-preview"' not in page
    assert "Ask to join" in page
    assert as_(outsider).get(_members(private)).status_code == 403

    page = as_(member).get(_detail(private)).content.decode()
    assert "Share what you learn" in page
    assert 'data-testid="members-preview"' in page
    assert "Leave the community" in page


def test_join_and_leave_an_open_community(as_, communities, outsider):
    open_one = communities["open"]
    client = as_(outsider)
    assert "Join" in client.get(_detail(open_one)).content.decode()
    response = client.post(_detail(open_one), {"action": "join"}, follow=True)
    assert _member_of(outsider, open_one)
    assert "Welcome to Open circle!" in response.content.decode()
    response = client.post(_detail(open_one), {"action": "leave"}, follow=True)
    assert not _member_of(outsider, open_one)
    assert "You have left Open circle." in response.content.decode()


def test_the_last_owner_is_told_why_they_cannot_leave(as_, communities, owner):
    open_one = communities["open"]
    response = as_(owner).post(_detail(open_one), {"action": "leave"})
    assert response.status_code == 400
    assert "You are the last owner" in response.content.decode()
    assert _member_of(owner, open_one)


def test_request_to_join_then_accepted_from_the_members_page(as_, communities, outsider, animator):
    private = communities["private"]
    client = as_(outsider)
    response = client.post(
        _detail(private), {"action": "request", "message": "I maintain the signals."}
    )
    assert response.status_code == 302
    page = client.get(_detail(private)).content.decode()
    assert "is waiting for an answer" in page

    client = as_(animator)
    page = client.get(_members(private)).content.decode()
    assert "Oscar Outsider" in page and "I maintain the signals." in page
    join_request = JoinRequest.objects.get(user=outsider, community=private)
    response = client.post(
        _members(private),
        {"action": "decide", "request_id": join_request.pk, "decision": "accept", "reply": "Hi"},
        follow=True,
    )
    assert "Oscar Outsider is now a member." in response.content.decode()
    assert _member_of(outsider, private)
    join_request.refresh_from_db()
    assert (join_request.status, join_request.reply) == (RequestStatus.ACCEPTED, "Hi")

    page = as_(outsider).get(_members(private)).content.decode()
    assert "Marie Membre" in page


def test_request_declined_and_cancelled(as_, communities, outsider, animator):
    private = communities["private"]
    client = as_(outsider)
    client.post(_detail(private), {"action": "request", "message": ""})
    client.post(_detail(private), {"action": "cancel_request"})
    assert not JoinRequest.objects.filter(status=RequestStatus.PENDING).exists()
    assert "Ask to join" in client.get(_detail(private)).content.decode()

    client.post(_detail(private), {"action": "request"})
    join_request = JoinRequest.objects.get(status=RequestStatus.PENDING)
    as_(animator).post(
        _members(private),
        {"action": "decide", "request_id": join_request.pk, "decision": "decline"},
    )
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.DECLINED
    assert not _member_of(outsider, private)


def test_a_refused_request_keeps_the_message_typed(as_, communities, outsider):
    private = communities["private"]
    typed = "Too long. " * 300
    response = as_(outsider).post(_detail(private), {"action": "request", "message": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Too long. Too long." in body
    assert "Ensure this value has at most 2000 characters" in body
    assert not JoinRequest.objects.exists()


def test_launch_checklist_for_managers_and_the_project_team(
    as_, communities, owner, member, project_lead
):
    open_one = communities["open"]
    assert 'data-testid="checklist"' not in as_(member).get(_detail(open_one)).content.decode()
    assert 'data-testid="checklist"' in as_(project_lead).get(_detail(open_one)).content.decode()
    client = as_(owner)
    response = client.post(
        _detail(open_one), {"action": "checklist", "item": "welcome_posted", "done": "1"}
    )
    assert response.status_code == 302
    open_one.refresh_from_db()
    assert open_one.welcome_posted_at is not None
    assert client.post(_detail(open_one), {"action": "checklist", "item": "x"}).status_code == 400
    assert (
        as_(member)
        .post(_detail(open_one), {"action": "checklist", "item": "welcome_posted", "done": "0"})
        .status_code
        == 403
    )


def test_unknown_actions_and_bad_ids_never_fail_the_server(as_, communities, owner, outsider):
    open_one = communities["open"]
    client = as_(owner)
    assert client.post(_detail(open_one), {"action": "explode"}).status_code == 400
    assert client.post(_members(open_one), {"action": "explode"}).status_code == 400
    for data in (
        {"action": "role", "user_id": "abc", "role": "member"},
        {"action": "remove", "user_id": "99999999999999999999999"},
        {"action": "decide", "request_id": "-1", "decision": "accept"},
        {"action": "revoke", "invitation_id": ""},
    ):
        assert client.post(_members(open_one), data).status_code == 404, data
    response = client.post(
        _members(open_one), {"action": "role", "user_id": outsider.pk, "role": "member"}
    )
    assert response.status_code == 404
    assert "not a member" in response.content.decode()
    assert client.get("/communities/requests/99999999999999999999999/").status_code == 404
    assert client.get(reverse("communities:image", args=[open_one.slug, "huge"])).status_code == 404


# ---------------------------------------------------------------- members


def test_members_page_lists_managers_first_and_badges_guests(as_, communities, member):
    page = as_(member).get(_members(communities["open"])).content.decode()
    page = page[page.index('data-testid="members"') :]
    order = [page.index(name) for name in ("Olivia Owner", "Antoine Animateur", "Marie Membre")]
    assert order == sorted(order)
    assert "Gaston Guest" in page and "Partner guest" in page and "Access until" in page
    assert "Fabien Formerly" not in page
    assert 'data-testid="invite-form"' not in page  # members do not manage


def test_managers_change_roles_remove_extend_and_transfer(
    as_, communities, owner, animator, member, guest
):
    open_one = communities["open"]
    client = as_(animator)
    client.post(_members(open_one), {"action": "role", "user_id": member.pk, "role": "animator"})
    assert Membership.objects.get(user=member, community=open_one).role == CommunityRole.ANIMATOR
    # Only an owner gives the owner role: the animator gets the reason.
    response = client.post(
        _members(open_one), {"action": "role", "user_id": member.pk, "role": "owner"}
    )
    assert response.status_code == 403
    assert "Only an owner can give or take the owner role." in response.content.decode()

    response = client.post(
        _members(open_one), {"action": "extend", "user_id": guest.pk, "until": "not a date"}
    )
    assert response.status_code == 400 and "not a date" in response.content.decode()
    client.post(
        _members(open_one), {"action": "extend", "user_id": guest.pk, "until": "2099-06-30"}
    )
    assert Membership.objects.get(user=guest, community=open_one).expires_at.year == 2099

    client.post(_members(open_one), {"action": "remove", "user_id": guest.pk})
    assert not _member_of(guest, open_one)

    client = as_(owner)
    client.post(_members(open_one), {"action": "transfer", "new_owner_id": member.pk})
    roles = dict(Membership.objects.filter(community=open_one).values_list("user__email", "role"))
    assert roles[member.email] == CommunityRole.OWNER
    assert roles[owner.email] == CommunityRole.ANIMATOR


def test_managers_may_not_be_members_only(as_, communities, member, outsider):
    open_one = communities["open"]
    response = as_(member).post(_members(open_one), {"action": "remove", "user_id": outsider.pk})
    assert response.status_code == 403
    assert as_(member).get(_settings(open_one)).status_code == 403


def test_invite_a_colleague_who_accepts_from_my_invitations(as_, communities, animator, outsider):
    secret = communities["secret"]
    response = as_(animator).post(
        _members(secret),
        {"action": "invite", "invitee_id": outsider.pk, "role": "member", "message": "Join us"},
        follow=True,
    )
    assert "Oscar Outsider has been invited" in response.content.decode()
    invitation = Invitation.objects.get(invitee=outsider)
    assert 'data-testid="pending-invitations"' in response.content.decode()

    client = as_(outsider)
    page = client.get(reverse("communities:my_invitations")).content.decode()
    assert "Secret circle" in page and "Join us" in page
    response = client.post(
        reverse("communities:my_invitations"),
        {"action": "accept", "invitation_id": invitation.pk},
    )
    assert response.status_code == 302 and response["Location"] == _detail(secret)
    assert _member_of(outsider, secret)
    # A second answer is refused with a reason, not a crash.
    response = client.post(
        reverse("communities:my_invitations"),
        {"action": "refuse", "invitation_id": invitation.pk},
    )
    assert response.status_code == 404
    assert "no longer open" in response.content.decode()


def test_invite_form_keeps_input_and_says_why(as_, communities, animator, admin):
    open_one = communities["open"]
    client = as_(animator)
    response = client.post(
        _members(open_one),
        {"action": "invite", "email": "not-an-address", "message": "Bonjour à vous"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body and "Bonjour à vous" in body
    services.organisation_settings_update(actor=admin, guests_allowed=False)
    response = client.post(
        _members(open_one), {"action": "invite", "email": "new@partner.example", "role": "member"}
    )
    assert response.status_code == 403
    assert "Partner guests are not allowed in this organisation." in response.content.decode()
    assert 'value="new@partner.example"' in response.content.decode()


def test_revoke_an_invitation(as_, communities, owner, outsider):
    private = communities["private"]
    invitation, _token = services.invitation_create(
        actor=owner, community_id=private.pk, invitee_id=outsider.pk
    )
    as_(owner).post(_members(private), {"action": "revoke", "invitation_id": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_partner_signs_up_from_the_link_and_sees_only_that_community(
    client, as_, communities, owner
):
    open_one = communities["open"]
    as_(owner).post(
        _members(open_one),
        {"action": "invite", "email": "paula@partner.example", "access_until": "2099-01-31"},
    )
    sent = [message for message in mail.outbox if message.to == ["paula@partner.example"]]
    assert len(sent) == 1
    link = re.search(r"https?://\S+/communities/join/\S+/", sent[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client.logout()

    page = client.get(path).content.decode()
    assert "Create your partner access" in page and "paula@partner.example" in page
    response = client.post(
        path,
        {
            "action": "signup",
            "display_name": "Paula Partner",
            "company": "Partner & Co",
            "password1": PASSWORD,
            "password2": "something else entirely",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The two passwords differ." in body and 'value="Paula Partner"' in body

    response = client.post(
        path,
        {
            "action": "signup",
            "display_name": "Paula Partner",
            "company": "Partner & Co",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == _detail(open_one)
    paula = User.objects.get(email="paula@partner.example")
    assert paula.is_guest and paula.profile.company == "Partner & Co"
    membership = Membership.objects.get(user=paula, community=open_one)
    assert membership.expires_at.date().isoformat() == "2099-01-31"

    listing = client.get(reverse("communities:list")).content.decode()
    assert "Open circle" in listing
    assert "Private circle" not in listing and "Elsewhere" not in listing
    assert client.get(_detail(communities["private"])).status_code == 404
    assert client.get(_members(open_one)).status_code == 200
    # The link is spent: now it is a plain "page not found".
    assert client.get(path).status_code == 404


def test_unknown_or_used_invitation_links_are_the_404_page(client, communities, member):
    response = client.get(reverse("communities:invitation_link", args=["no-such-token"]))
    assert response.status_code == 404
    assert "errors/404.html" in [template.name for template in response.templates]
    client.force_login(member)
    assert client.get(reverse("communities:invitation_link", args=["x" * 500])).status_code == 404


def test_link_for_an_existing_account_asks_to_log_in_then_accepts(
    client, communities, owner, outsider
):
    _invitation, token = services.invitation_create(
        actor=owner, community_id=communities["private"].pk, email=outsider.email
    )
    path = reverse("communities:invitation_link", args=[token])
    page = client.get(path).content.decode()
    assert "log in to answer" in page and "Create your partner access" not in page
    client.force_login(outsider)
    response = client.post(path, {"action": "accept"})
    assert response.status_code == 302
    assert _member_of(outsider, communities["private"])


# ---------------------------------------------------------------- settings


def test_settings_save_keep_input_on_error_and_images(as_, communities, animator, media):
    open_one = communities["open"]
    client = as_(animator)
    assert client.get(_settings(open_one)).status_code == 200
    form = {
        "action": "save",
        "name": "Open circle",
        "slug": "new",
        "description": "A description I typed with care.",
        "charter": "Be kind.",
        "visibility": "open",
        "tags": "safety, rail",
    }
    response = client.post(_settings(open_one), form)
    assert response.status_code == 400
    assert "A description I typed with care." in response.content.decode()
    assert "used by Rucher&#x27;s own pages" in response.content.decode()

    form["slug"] = "open-circle"
    response = client.post(_settings(open_one), {**form, "banner": io.BytesIO(b"not an image")})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This file is not an image we can read." in body
    assert "Your other changes have been saved" in body
    open_one.refresh_from_db()
    assert open_one.description == "A description I typed with care."
    assert sorted(open_one.tags.values_list("name", flat=True)) == ["rail", "safety"]

    response = client.post(_settings(open_one), {**form, "avatar": _png()})
    assert response.status_code == 302
    open_one.refresh_from_db()
    assert open_one.avatar
    image = client.get(reverse("communities:image", args=[open_one.slug, "avatar"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    response = client.post(_settings(open_one), {**form, "remove_avatar": "on"})
    open_one.refresh_from_db()
    assert not open_one.avatar


def test_owner_archives_and_the_community_becomes_read_only(as_, communities, owner, outsider):
    open_one = communities["open"]
    as_(owner).post(_settings(open_one), {"action": "archive"})
    open_one.refresh_from_db()
    assert open_one.is_archived
    client = as_(outsider)
    page = client.get(_detail(open_one)).content.decode()
    assert "This community is archived" in page and 'value="join"' not in page
    response = client.post(_detail(open_one), {"action": "join"})
    assert response.status_code == 400
    assert "archived" in response.content.decode()
    assert "Open circle" not in client.get(reverse("communities:list")).content.decode()
    assert (
        "Open circle" in client.get(reverse("communities:list"), {"archived": "1"}).content.decode()
    )


# ---------------------------------------------------------------- creation


def test_direct_creation_and_its_errors(as_, communities, member, guest):
    client = as_(member)
    page = client.get(reverse("communities:create")).content.decode()
    assert "Project — private by default" in page
    response = client.post(
        reverse("communities:create"),
        {"name": "  ", "kind": "project", "description": "Kept across the error"},
    )
    assert response.status_code == 400
    assert "Kept across the error" in response.content.decode()
    response = client.post(reverse("communities:create"), {"name": "New", "kind": "project"})
    community = Community.objects.get(name="New")
    assert response["Location"] == _detail(community)
    assert community.slug != "new" and community.visibility == "private"
    assert as_(guest).get(reverse("communities:create")).status_code == 403
    assert as_(guest).get(reverse("communities:request_create")).status_code == 403


def test_creation_request_from_submission_to_approval(
    as_, communities, member, animator, project_lead, outsider
):
    client = as_(member)
    form = {
        "name": "Signalling experts",
        "kind": "profession",
        "visibility": "open",
        "purpose": "Share signalling know-how.",
        "intended_members": "Signalling engineers.",
        "animator_id": "",
        "expected_activity": "Weekly questions.",
    }
    response = client.post(reverse("communities:request_create"), form)
    assert response.status_code == 400
    assert "Choose the animator in the list." in response.content.decode()
    assert "Share signalling know-how." in response.content.decode()
    response = client.post(
        reverse("communities:request_create"), {**form, "animator_id": animator.pk}
    )
    request = CreationRequest.objects.get()
    url = reverse("communities:creation_request", args=[request.pk])
    assert response["Location"] == url

    assert as_(outsider).get(url).status_code == 404
    lead = as_(project_lead)
    queue = lead.get(reverse("communities:creation_requests")).content.decode()
    assert "Signalling experts" in queue and "asked by Marie Membre" in queue
    lead.post(url, {"action": "comment", "body": "How many people?"})
    as_(member).post(url, {"action": "comment", "body": "About forty."})
    response = as_(project_lead).post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Say why the request is rejected." in response.content.decode()
    response = as_(project_lead).post(url, {"action": "approve"}, follow=True)
    page = response.content.decode()
    assert "How many people?" in page and "About forty." in page
    request.refresh_from_db()
    assert request.status == CreationStatus.APPROVED
    assert f'href="{_detail(request.community)}"' in as_(member).get(url).content.decode()
    approved = as_(member).get(reverse("communities:creation_requests"), {"status": "approved"})
    assert "Signalling experts" in approved.content.decode()


def test_requester_withdraws(as_, communities, member, animator, guest):
    request = services.creation_request_submit(
        actor=member,
        name="Lean",
        kind="best_practice",
        visibility="open",
        purpose="p",
        intended_members="i",
        animator_id=animator.pk,
        expected_activity="e",
    )
    url = reverse("communities:creation_request", args=[request.pk])
    as_(member).post(url, {"action": "withdraw"})
    request.refresh_from_db()
    assert request.status == CreationStatus.WITHDRAWN
    assert as_(guest).get(reverse("communities:creation_requests")).status_code == 403


# ---------------------------------------------------------------- administration


def test_organisation_settings_for_administrators_only(as_, communities, admin, project_lead):
    url = reverse("communities:organisation_settings")
    assert as_(project_lead).get(url).status_code == 403
    client = as_(admin)
    response = client.post(
        url, {"community_creation": "request", "guests_allowed": "on", "guest_access_days": "0"}
    )
    assert response.status_code == 400
    assert 'value="0"' in response.content.decode()
    client.post(
        url, {"community_creation": "request", "guests_allowed": "on", "guest_access_days": "30"}
    )
    row = OrganisationSettings.current()
    assert (row.community_creation, row.guests_allowed, row.guest_access_days) == (
        "request",
        True,
        30,
    )


def test_guests_page_lists_and_revokes_on_the_next_request(
    client, as_, communities, admin, guest, member
):
    page = as_(admin).get(reverse("communities:guests")).content.decode()
    assert "Gaston Guest" in page and "Partner SARL" in page and "Secret circle" in page
    assert "Marie Membre" not in page
    guest_client = type(client)()
    guest_client.force_login(guest)
    assert guest_client.get(_detail(communities["open"])).status_code == 200
    response = as_(admin).post(
        reverse("communities:guests"), {"action": "revoke", "person_id": guest.pk}
    )
    assert response.status_code == 302
    response = guest_client.get(_detail(communities["open"]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    # Only guests are revoked here.
    response = as_(admin).post(
        reverse("communities:guests"), {"action": "revoke", "person_id": member.pk}
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.is_active


def test_admin_site_adds_kinds_and_shows_communities(as_, communities, admin):
    client = as_(admin)
    response = client.post(
        reverse("admin:communities_communitykind_add"),
        {
            "code": "guild",
            "name_en": "Guild",
            "name_fr": "Guilde",
            "default_visibility": "private",
            "position": "9",
            "description_template_en": "",
            "description_template_fr": "## Qui nous sommes\n",
            "default_charter_en": "",
            "default_charter_fr": "",
        },
    )
    assert response.status_code == 302
    assert "Guild" in client.get(reverse("communities:list")).content.decode()
    for name in ("community", "membership", "invitation", "joinrequest", "creationrequest"):
        assert client.get(reverse(f"admin:communities_{name}_changelist")).status_code == 200


# ---------------------------------------------------------------- query counts


def _queries_for(client, url: str) -> int:
    client.get(url)  # warm-up: presence and session writes happen on the first request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_directory_costs_the_same_for_3_or_20_communities(as_, communities, owner, member):
    client = as_(member)
    few = _queries_for(client, reverse("communities:list"))
    for index in range(17):
        community = services.community_create(
            actor=owner, name=f"Extra {index}", kind="interest", tags=["a", f"t{index}"]
        )
        services.membership_join(actor=member, community_id=community.pk)
    many = _queries_for(client, reverse("communities:list"))
    assert few == many
    assert many <= 14


def test_members_page_costs_the_same_for_3_or_20_members(as_, communities, owner):
    private = communities["private"]

    def add(index: int, *, joins: bool) -> None:
        person = make_person(
            f"extra{index}@exemple.fr", f"Extra {index:02d}", skills=["Python", f"S{index}"]
        )
        if joins:
            invite_and_accept(inviter=owner, community=private, person=person)
        elif index % 2:
            services.join_request_create(actor=person, community_id=private.pk, message="Hi")
        else:
            services.invitation_create(actor=owner, community_id=private.pk, invitee_id=person.pk)

    add(0, joins=False)
    add(1, joins=False)
    client = as_(owner)
    few = _queries_for(client, _members(private))
    for index in range(2, 18):
        add(index, joins=True)
    for index in range(18, 24):
        add(index, joins=False)
    many = _queries_for(client, _members(private))
    assert few == many
