"""The cast of the tests: an organisation, personas and communities, made through services.

Plain functions, so that pytest fixtures (tests/conftest.py) and Django TestCase classes
(setUpTestData, for the permission matrix) build exactly the same world.
"""

from __future__ import annotations

from rucher.accounts.models import Role, User
from rucher.accounts.services import (
    org_unit_create,
    site_create,
    user_create,
    user_deactivate,
)

PASSWORD = "correct horse battery staple"


def build_org() -> dict:
    """A small organisation: company > division > department > two teams, two sites."""
    company = org_unit_create(actor=None, name="Exemple SA", kind="company")
    division = org_unit_create(actor=None, name="Operations", kind="division", parent_id=company.pk)
    department = org_unit_create(
        actor=None, name="Maintenance", kind="department", parent_id=division.pk
    )
    team_a = org_unit_create(actor=None, name="Rail team", kind="team", parent_id=department.pk)
    team_b = org_unit_create(actor=None, name="Road team", kind="team", parent_id=department.pk)
    lyon = site_create(actor=None, name="Lyon", city="Lyon", country="FR")
    paris = site_create(actor=None, name="Paris", city="Paris", country="FR")
    return {
        "company": company,
        "division": division,
        "department": department,
        "team_a": team_a,
        "team_b": team_b,
        "lyon": lyon,
        "paris": paris,
    }


def make_person(email: str, name: str, role: str = Role.EMPLOYEE, **profile) -> User:
    return user_create(
        actor=None,
        email=email,
        display_name=name,
        password=PASSWORD,
        role=role,
        profile=profile or None,
    )


def make_admin(org) -> User:
    return make_person("admin@exemple.fr", "Alice Admin", Role.ADMIN, org_unit_id=org["company"].pk)


def make_project_lead(org) -> User:
    return make_person(
        "lead@exemple.fr",
        "Paul Projet",
        Role.PROJECT_TEAM,
        job_title="ESN project lead",
        org_unit_id=org["division"].pk,
        site_id=org["paris"].pk,
    )


def make_manager(org) -> User:
    return make_person(
        "manager@exemple.fr",
        "Mona Manager",
        job_title="Head of maintenance",
        org_unit_id=org["department"].pk,
        site_id=org["lyon"].pk,
        skills=["Leadership"],
    )


def make_member(org, manager) -> User:
    """An ordinary employee (a community member once communities exist)."""
    return make_person(
        "member@exemple.fr",
        "Marie Membre",
        job_title="Rail engineer",
        org_unit_id=org["team_a"].pk,
        site_id=org["lyon"].pk,
        manager_id=manager.pk,
        skills=["Python", "Signalling"],
        languages=["fr", "en"],
    )


def make_animator(org, manager) -> User:
    return make_person(
        "animator@exemple.fr",
        "Antoine Animateur",
        job_title="Community manager",
        org_unit_id=org["team_b"].pk,
        site_id=org["paris"].pk,
        manager_id=manager.pk,
        skills=["Facilitation"],
        languages=["fr"],
    )


def make_owner(org) -> User:
    return make_person("owner@exemple.fr", "Olivia Owner", org_unit_id=org["division"].pk)


def make_outsider(org) -> User:
    """An employee who belongs to none of the communities of a test (a non-member)."""
    return make_person(
        "outsider@exemple.fr",
        "Oscar Outsider",
        job_title="Accountant",
        org_unit_id=org["company"].pk,
        site_id=org["paris"].pk,
        skills=["Accounting"],
    )


def make_guest(org) -> User:
    return make_person("guest@partner.example", "Gaston Guest", Role.GUEST, company="Partner SARL")


def make_deactivated(org) -> User:
    person = make_person(
        "former@exemple.fr",
        "Fanny Former",
        job_title="Former engineer",
        org_unit_id=org["team_a"].pk,
        skills=["Python"],
    )
    return user_deactivate(actor=None, person_id=person.pk)


def build_personas(org) -> dict[str, User]:
    """Everyone of tests/conftest.py's ``personas``, plus other_guest and former_member."""
    manager = make_manager(org)
    return {
        "admin": make_admin(org),
        "project_lead": make_project_lead(org),
        "manager": manager,
        "member": make_member(org, manager),
        "animator": make_animator(org, manager),
        "owner": make_owner(org),
        "outsider": make_outsider(org),
        "guest": make_guest(org),
        "deactivated": make_deactivated(org),
        "other_guest": make_other_guest(org),
        "former_member": make_former_member(org),
    }


# ---------------------------------------------------------------- communities


def make_other_guest(org) -> User:
    """A partner guest of another community than the ones a test looks at."""
    return make_person(
        "other.guest@elsewhere.example", "Otto Other", Role.GUEST, company="Elsewhere GmbH"
    )


def make_former_member(org) -> User:
    return make_person(
        "former.member@exemple.fr",
        "Fabien Formerly",
        job_title="Analyst",
        org_unit_id=org["team_b"].pk,
    )


def invite_and_accept(*, inviter: User, community, person: User) -> None:
    from rucher.communities.services import invitation_accept, invitation_create

    invitation, _token = invitation_create(
        actor=inviter, community_id=community.pk, email=person.email
    )
    invitation_accept(actor=person, invitation_id=invitation.pk)


def build_communities(personas, other_guest, former_member) -> dict:
    """One community per visibility, all with the same cast.

    owner owns it; animator animates it; member is a member; guest is a partner guest of it;
    former_member joined and left; outsider, other_guest and deactivated are strangers.
    A fourth, "elsewhere", is where other_guest is a guest.
    """
    from rucher.communities.models import CommunityRole
    from rucher.communities.services import (
        community_create,
        membership_leave,
        membership_set_role,
        organisation_settings_update,
    )

    admin, owner = personas["admin"], personas["owner"]
    organisation_settings_update(actor=admin, community_creation="direct", guests_allowed=True)
    made = {}
    for visibility in ("open", "private", "secret"):
        community = community_create(
            actor=owner,
            name=f"{visibility.title()} circle",
            kind="profession",
            visibility=visibility,
            allows_guests=True,
            description=f"The {visibility} community of the tests.",
        )
        for person in (personas["animator"], personas["member"], former_member):
            invite_and_accept(inviter=owner, community=community, person=person)
        membership_set_role(
            actor=owner,
            community_id=community.pk,
            user_id=personas["animator"].pk,
            role=CommunityRole.ANIMATOR,
        )
        invite_and_accept(inviter=owner, community=community, person=personas["guest"])
        membership_leave(actor=former_member, community_id=community.pk)
        made[visibility] = community
    elsewhere = community_create(
        actor=owner, name="Elsewhere", kind="project", visibility="private", allows_guests=True
    )
    invite_and_accept(inviter=owner, community=elsewhere, person=other_guest)
    made["elsewhere"] = elsewhere
    return made


def build_conversations(personas, communities, *, word: str = "", upload=None) -> dict:
    """One item of every kind of conversation in each of the open, private and secret
    communities, plus a profile post, keyed "post:open", "comment:open", "reply:open",
    "question:open", "answer:open", "poll:open", "idea:open", "event:open",
    "announcement:open", "attachment:open", "report:open" (and so on for private and
    secret; "profile_post").

    ``word`` followed by the visibility ("quokkasecret") is written into every text of that
    community (the canary tests look for it); ``upload`` makes an uploaded file for each
    community's attachment (a callable taking a file name and returning an UploadedFile),
    whose name carries the word too.
    """
    import datetime

    from django.utils import timezone

    from rucher.content import moderation, services
    from rucher.content.attachments import attachment_upload
    from rucher.core.markdown import mention

    member, animator, owner = personas["member"], personas["animator"], personas["owner"]
    made: dict = {}
    soon = timezone.now() + datetime.timedelta(days=10)
    outer_word = word
    for visibility in ("open", "private", "secret"):
        word = f"{outer_word}{visibility}" if outer_word else ""
        community_id = communities[visibility].pk
        attachment_ids = []
        if upload is not None:
            attachment = attachment_upload(actor=member, upload=upload(f"{word}-plan.png"))
            attachment_ids.append(attachment.pk)
            made[f"attachment:{visibility}"] = attachment
        post = services.post_create(
            actor=member,
            community_id=community_id,
            body=f"Discussion {word} with {mention(animator.pk, animator.display_name)} #rail",
            attachment_ids=attachment_ids,
        )
        comment = services.comment_create(actor=animator, post_id=post.pk, body=f"Comment {word}")
        reply = services.comment_create(
            actor=member, post_id=post.pk, body=f"Reply {word}", parent_id=comment.pk
        )
        services.reaction_set(actor=animator, post_id=post.pk, kind="like")
        question = services.post_create(
            actor=member,
            community_id=community_id,
            type="question",
            title=f"Question {word}?",
            body=f"How {word}?",
        )
        answer = services.comment_create(actor=animator, post_id=question.pk, body=f"So {word}")
        poll = services.post_create(
            actor=member,
            community_id=community_id,
            type="poll",
            title=f"Poll {word}",
            body=f"Choose {word}",
            poll=services.PollSpec(options=[f"Yes {word}", f"No {word}"]),
        )
        idea = services.post_create(
            actor=member,
            community_id=community_id,
            type="idea",
            title=f"Idea {word}",
            body=f"Let us {word}",
        )
        event = services.post_create(
            actor=animator,
            community_id=community_id,
            type="event",
            title=f"Event {word}",
            body=f"Meet {word}",
            event=services.EventSpec(
                starts_at=soon,
                ends_at=soon + datetime.timedelta(hours=2),
                time_zone="Europe/Paris",
                place=f"Room {word}",
            ),
        )
        announcement = services.post_create(
            actor=animator,
            community_id=community_id,
            type="announcement",
            title=f"Announcement {word}",
            body=f"Read {word}",
            asks_read_confirmation=True,
        )
        report = moderation.report_create(actor=owner, post_id=post.pk, reason=f"Off topic {word}")
        made.update(
            {
                f"post:{visibility}": post,
                f"comment:{visibility}": comment,
                f"reply:{visibility}": reply,
                f"question:{visibility}": question,
                f"answer:{visibility}": answer,
                f"poll:{visibility}": poll,
                f"idea:{visibility}": idea,
                f"event:{visibility}": event,
                f"announcement:{visibility}": announcement,
                f"report:{visibility}": report,
            }
        )
    made["profile_post"] = services.post_create(
        actor=personas["outsider"], community_id=None, body=f"Profile {outer_word}profile"
    )
    return made
