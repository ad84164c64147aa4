"""Pages of the accounts and directory: what a person sees and can do."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from PIL import Image

from rucher.core.models import Event
from tests.conftest import PASSWORD


@pytest.fixture
def logged(client):
    def log_in(person):
        client.force_login(person)
        return client

    return log_in


def test_login_with_email_and_password_rotates_the_session(client, member):
    client.get(reverse("accounts:login"))
    before = client.cookies.get("sessionid")
    response = client.post(
        reverse("accounts:login"), {"username": "MEMBER@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_keeps_the_email_and_says_why(client, member):
    response = client.post(
        reverse("accounts:login"), {"username": "member@exemple.fr", "password": "nope"}
    )
    assert response.status_code == 200
    assert b"do not match an active account" in response.content
    assert b'value="member@exemple.fr"' in response.content


def test_deactivated_person_cannot_log_in(client, deactivated):
    response = client.post(
        reverse("accounts:login"), {"username": deactivated.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivation_ends_an_open_session_on_the_next_request(client, admin, member):
    from rucher.accounts.services import user_deactivate

    client.force_login(member)
    assert client.get(reverse("home")).status_code == 200
    user_deactivate(actor=admin, person_id=member.pk)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_logout_ends_the_session(client, member):
    client.force_login(member)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_by_email(client, member):
    response = client.post(reverse("accounts:password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a new long passphrase 42")
    assert Event.objects.filter(verb="user.password_reset", actor=member).exists()


def test_password_reset_says_the_same_for_unknown_addresses(client, member):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_directory_search_by_skill_and_filters(logged, member, animator, outsider, org):
    client = logged(outsider)
    response = client.get(reverse("directory:list"), {"q": "signalling"})
    assert member.display_name.encode() in response.content
    assert animator.display_name.encode() not in response.content
    response = client.get(reverse("directory:list"), {"org_unit": org["department"].pk})
    content = response.content.decode()
    assert member.display_name in content and animator.display_name in content
    assert outsider.display_name not in content.split('data-testid="people-results"')[1]
    response = client.get(reverse("directory:list"), {"language": "en"})
    assert member.display_name in response.content.decode()
    assert animator.display_name not in response.content.decode()


def test_directory_results_partial_for_htmx(logged, member, outsider):
    client = logged(outsider)
    response = client.get(
        reverse("directory:list"), {"q": "Marie"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    content = response.content.decode()
    assert "Marie Membre" in content
    assert "<html" not in content


def test_deactivated_people_leave_the_directory_but_keep_their_page(logged, outsider, deactivated):
    client = logged(outsider)
    response = client.get(reverse("directory:list"), {"q": "Fanny"})
    assert "Fanny Former" not in response.content.decode()
    response = client.get(reverse("directory:person", args=[deactivated.pk]))
    assert response.status_code == 200
    assert "Deactivated" in response.content.decode()


def test_guest_cannot_browse_the_directory_nor_see_employees(logged, guest, member):
    client = logged(guest)
    assert client.get(reverse("directory:list")).status_code == 403
    assert client.get(reverse("directory:person", args=[member.pk])).status_code == 404
    assert client.get(reverse("directory:person", args=[guest.pk])).status_code == 200


def test_employees_do_not_see_partner_guests(logged, guest, member):
    client = logged(member)
    assert client.get(reverse("directory:person", args=[guest.pk])).status_code == 404


def test_org_chart_shows_chain_and_reports(logged, member, manager, animator, outsider):
    client = logged(outsider)
    content = client.get(reverse("directory:org_chart", args=[manager.pk])).content.decode()
    reports = content.split('data-testid="direct-reports"')[1]
    assert member.display_name in reports and animator.display_name in reports
    content = client.get(reverse("directory:org_chart", args=[member.pk])).content.decode()
    assert manager.display_name in content.split('data-testid="manager-chain"')[1]


def test_follow_and_unfollow_from_the_profile(logged, member, outsider):
    client = logged(member)
    url = reverse("directory:follow", args=[outsider.pk])
    response = client.post(url, {"follow": "1"}, HTTP_HX_REQUEST="true")
    assert "Following" in response.content.decode()
    card_link = f'href="/people/{member.pk}/">{member.display_name}</a>'
    content = client.get(reverse("directory:followers", args=[outsider.pk])).content.decode()
    assert card_link in content
    client.post(url, {"follow": "0"})
    content = client.get(reverse("directory:followers", args=[outsider.pk])).content.decode()
    assert card_link not in content


def test_profile_edit_keeps_input_on_error(logged, member):
    client = logged(member)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Marie M.",
            "job_title": "Lead engineer",
            "phone": "call me maybe",
            "skills": "Python, Rust",
            "bio": "Trains people",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Use digits" in content
    assert 'value="Lead engineer"' in content and "Trains people" in content
    member.profile.refresh_from_db()
    assert member.profile.job_title == "Rail engineer"


def test_profile_edit_saves_and_completeness_moves(logged, member, org):
    client = logged(member)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Marie Membre",
            "job_title": "Lead engineer",
            "phone": "+33 4 72 00 00 00",
            "skills": "Python, Rust",
            "interests": "Cycling",
            "bio": "Trains people",
            "languages": ["fr", "en"],
            "org_unit_id": org["team_a"].pk,
            "site_id": org["lyon"].pk,
        },
    )
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.job_title == "Lead engineer"
    assert sorted(member.profile.skills.values_list("name", flat=True)) == ["Python", "Rust"]
    content = client.get(reverse("directory:person", args=[member.pk])).content.decode()
    assert "89 %" in content  # everything but the photo


def _png(width=400, height=300) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 0)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "me.png"
    return buffer


def test_photo_upload_makes_a_thumbnail_served_through_the_policy(
    logged, member, guest, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client = logged(member)
    client.post(reverse("accounts:photo_upload"), {"photo": _png()})
    member.profile.refresh_from_db()
    assert member.profile.photo_thumbnail
    response = client.get(reverse("directory:photo", args=[member.pk, "small"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    thumbnail = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert thumbnail.size == (160, 160)
    client.force_login(guest)
    assert client.get(reverse("directory:photo", args=[member.pk, "small"])).status_code == 404


def test_photo_upload_refuses_a_non_image(logged, member, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = logged(member)
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "cv.png"
    response = client.post(reverse("accounts:photo_upload"), {"photo": fake}, follow=True)
    assert "not an image we can read" in response.content.decode()
    member.profile.refresh_from_db()
    assert not member.profile.photo


def test_language_switch_is_kept_as_a_preference(logged, member):
    client = logged(member)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    member.refresh_from_db()
    assert member.language == "fr"
    content = client.get(reverse("home")).content.decode()
    assert 'lang="fr"' in content


def test_browser_language_is_the_default(client, member):
    client.force_login(member)
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert 'lang="fr"' in content


def test_create_and_revoke_a_token_from_settings(logged, member):
    client = logged(member)
    response = client.post(
        reverse("accounts:settings"), {"action": "create_token", "name": "Script"}
    )
    content = response.content.decode()
    assert "rch_" in content
    token = member.api_tokens.get()
    client.post(reverse("accounts:settings"), {"action": "revoke_token", "token_id": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_first_request_of_the_day_records_presence_once(logged, member):
    client = logged(member)
    client.get(reverse("home"))
    client.get(reverse("home"))
    assert Event.objects.filter(verb="user.present", actor=member).count() == 1


def test_friendly_404_page(logged, member):
    response = logged(member).get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["ok"] is True


def test_same_as_my_browser_forgets_the_footer_choice(logged, member):
    client = logged(member)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    client.post(reverse("accounts:settings"), {"action": "language", "language": ""})
    assert not client.cookies[settings.LANGUAGE_COOKIE_NAME].value
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in content
