"""Writing the open exchange format: the whole organisation, or one person's own data.

Records are read in primary-key order, in chunks, and written as JSON Lines (constant memory
per record; the id maps below hold one entry per imported record). Identifiers are the local
primary keys, except for a kind whose rows all came from one source: those keep their
original ids, so that export → import → export gives the same files.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.utils import timezone

from rucher.accounts.models import OrgUnit, User
from rucher.communities.models import Community, Membership
from rucher.content.models import (
    Attachment,
    Comment,
    EventRsvp,
    IdeaVote,
    PollOption,
    PollVote,
    Post,
    Reaction,
    ReadConfirmation,
)
from rucher.core import markdown
from rucher.core.models import Event
from rucher.exchange.archive import Writer
from rucher.exchange.models import ImportedRecord

FORMAT_VERSION = "1.0"
CHUNK = 2000


def iso(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


class Ids:
    """Local primary key → the id written for one kind."""

    def __init__(self, kind: str, model: type[models.Model], prefix: str = "") -> None:
        self.prefix = prefix
        all_kinds = [kind]
        rows = ImportedRecord.objects.filter(
            kind__in=all_kinds, local_id__in=model._default_manager.values("pk")
        ).values_list("local_id", "source", "original_id")
        self.map: dict[int, tuple[str, str]] = {}
        for local_id, source, original_id in rows:
            self.map.setdefault(local_id, (source, original_id))
        sources = {source for source, _original in self.map.values()}
        total = model._default_manager.count()
        self.bare = len(sources) == 1 and len(self.map) == total
        self.none = not self.map

    def __call__(self, pk: int | None) -> str | None:
        if pk is None:
            return None
        if self.none:
            return f"{self.prefix}{pk}"
        found = self.map.get(pk)
        if found is None:
            return f"{self.prefix}{pk}"
        return found[1] if self.bare else f"{found[0]}:{found[1]}"


def chunks(queryset: models.QuerySet[Any]) -> Iterator[Any]:
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


class Exporter:
    def __init__(self, *, person: User | None = None, source_name: str = "") -> None:
        from django.conf import settings

        self.person = person
        self.source_name = source_name or "rucher:" + re.sub(
            r"^https?://", "", settings.SITE_URL
        ).rstrip("/")
        self.counts: dict[str, int] = {}
        self.ids = {
            "org_unit": Ids("org_unit", OrgUnit),
            "person": Ids("person", User),
            "community": Ids("community", Community),
            "membership": Ids("membership", Membership),
            "post": Ids("post", Post),
            "poll_option": Ids("poll_option", PollOption),
            "comment": Ids("comment", Comment),
            "reaction": Ids("reaction", Reaction),
            "vote": Ids("vote", PollVote, "poll-"),
            "idea_vote": Ids("idea_vote", IdeaVote, "idea-"),
            "rsvp": Ids("rsvp", EventRsvp),
            "read_confirmation": Ids("read_confirmation", ReadConfirmation),
            "attachment": Ids("attachment", Attachment),
        }

    def id(self, kind: str, pk: int | None) -> str | None:
        return self.ids[kind](pk)

    def text(self, body: str) -> str:
        return markdown.MENTION_RE.sub(
            lambda m: f"@[{m.group(1)}](person:{self.id('person', int(m.group(2)))})", body
        )

    # ---------------------------------------------------------------- writing

    def write(self, target: str | Path | IO[bytes]) -> dict[str, int]:
        writer = Writer(target)
        try:
            for name, records in self.files():
                count = 0
                with writer.open(f"{name}.jsonl") as handle:
                    for record in records:
                        handle.write(
                            (
                                json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
                            ).encode()
                        )
                        count += 1
                self.counts[name] = count
            for path, attachment in self.attachment_files():
                with writer.open(path) as handle, attachment.file.open("rb") as source:
                    while block := source.read(1024 * 1024):
                        handle.write(block)
            with writer.open("manifest.json") as handle:
                handle.write(
                    json.dumps(self.manifest(), ensure_ascii=False, indent=2).encode() + b"\n"
                )
        finally:
            writer.close()
        return self.counts

    def manifest(self) -> dict[str, Any]:
        return {
            "format": "rucher-exchange",
            "version": FORMAT_VERSION,
            "source": {"system": "rucher", "name": self.source_name},
            "exported_at": iso(timezone.now()),
            "scope": "person" if self.person is not None else "organisation",
            "counts": self.counts,
        }

    def files(self) -> Iterable[tuple[str, Iterable[dict[str, Any]]]]:
        return [
            ("org_units", self.org_units()),
            ("people", self.people()),
            ("communities", self.communities()),
            ("memberships", self.memberships()),
            ("posts", self.posts()),
            ("comments", self.comments()),
            ("accepted_answers", self.accepted_answers()),
            ("reactions", self.reactions()),
            ("votes", self.votes()),
            ("rsvps", self.rsvps()),
            ("read_confirmations", self.read_confirmations()),
            ("attachments", self.attachments()),
            ("activity", self.activity()),
        ]

    # ---------------------------------------------------------------- scopes

    def _posts(self) -> models.QuerySet[Post]:
        posts = Post.objects.all()
        return posts.filter(author=self.person) if self.person is not None else posts

    def _comments(self) -> models.QuerySet[Comment]:
        comments = Comment.objects.all()
        return comments.filter(author=self.person) if self.person is not None else comments

    def _mine(self, queryset: models.QuerySet[Any], field: str = "user") -> models.QuerySet[Any]:
        return queryset.filter(**{field: self.person}) if self.person is not None else queryset

    # ---------------------------------------------------------------- records

    def org_units(self) -> Iterator[dict[str, Any]]:
        if self.person is not None:
            return
        for unit in chunks(OrgUnit.objects.all()):
            yield {
                "id": self.id("org_unit", unit.pk),
                "name": unit.name,
                "kind": unit.kind,
                "parent_id": self.id("org_unit", unit.parent_id),
                "code": unit.code,
            }

    def people(self) -> Iterator[dict[str, Any]]:
        people = User.objects.select_related("profile")
        if self.person is not None:
            people = people.filter(pk=self.person.pk)
        for user in chunks(people):
            profile = getattr(user, "profile", None)
            yield {
                "id": self.id("person", user.pk),
                "email": user.email,
                "display_name": user.display_name,
                "role": user.role,
                "active": user.is_active,
                "created_at": iso(user.date_joined),
                "deactivated_at": iso(user.deactivated_at),
                "language": user.language,
                "job_title": profile.job_title if profile else "",
                "org_unit_id": self.id("org_unit", profile.org_unit_id)
                if profile and self.person is None
                else None,
                "manager_id": self.id("person", profile.manager_id)
                if profile and self.person is None
                else None,
                "phone": profile.phone if profile else "",
                "bio": profile.bio if profile else "",
                "company": profile.company if profile else "",
                "skills": sorted(profile.skills.values_list("name", flat=True)) if profile else [],
                "interests": sorted(profile.interests.values_list("name", flat=True))
                if profile
                else [],
                "languages": sorted(profile.languages.values_list("code", flat=True))
                if profile
                else [],
            }

    def communities(self) -> Iterator[dict[str, Any]]:
        communities = Community.objects.select_related("kind")
        if self.person is not None:
            communities = communities.filter(
                models.Q(memberships__user=self.person) | models.Q(posts__author=self.person)
            ).distinct()
        for community in chunks(communities):
            yield {
                "id": self.id("community", community.pk),
                "name": community.name,
                "slug": community.slug,
                "kind": community.kind.code,
                "visibility": community.visibility,
                "description": community.description,
                "charter": community.charter,
                "tags": sorted(community.tags.values_list("name", flat=True)),
                "allows_guests": community.allows_guests,
                "created_at": iso(community.created_at),
                "created_by": self.id("person", community.created_by_id)
                if self.person is None
                else None,
                "archived_at": iso(community.archived_at),
            }

    def memberships(self) -> Iterator[dict[str, Any]]:
        for membership in chunks(self._mine(Membership.objects.all())):
            yield {
                "id": self.id("membership", membership.pk),
                "community_id": self.id("community", membership.community_id),
                "person_id": self.id("person", membership.user_id),
                "role": membership.role,
                "joined_at": iso(membership.joined_at),
                "expires_at": iso(membership.expires_at),
            }

    def _mentions(self, post_id: int, comment_id: int | None) -> list[str | None]:
        from rucher.content.models import Mention

        ids = Mention.objects.filter(post_id=post_id)
        ids = ids.filter(comment_id=comment_id) if comment_id else ids.filter(comment__isnull=True)
        ids = ids.order_by("pk")
        return [self.id("person", pk) for pk in ids.values_list("user_id", flat=True)]

    def posts(self) -> Iterator[dict[str, Any]]:
        queryset = (
            self._posts().select_related("poll", "event", "idea").prefetch_related("hashtags")
        )
        for post in chunks(queryset):
            record: dict[str, Any] = {
                "id": self.id("post", post.pk),
                "type": post.type,
                "author_id": self.id("person", post.author_id),
                "community_id": self.id("community", post.community_id),
                "created_at": iso(post.created_at),
                "edited_at": iso(post.edited_at),
                "deleted_at": iso(post.deleted_at),
                "title": post.title,
                "body": self.text(post.body),
                "hashtags": sorted(tag.name for tag in post.hashtags.all()),
                "mentions": self._mentions(post.pk, None),
                "pinned_at": iso(post.pinned_at),
                "asks_read_confirmation": post.asks_read_confirmation,
                "comments_locked": post.comments_locked,
            }
            poll = getattr(post, "poll", None) if post.type == "poll" else None
            if poll is not None:
                record["poll"] = {
                    "multiple": poll.multiple,
                    "closes_at": iso(poll.closes_at),
                    "options": [
                        {"id": self.id("poll_option", option.pk), "label": option.label}
                        for option in poll.options.order_by("position", "pk")
                    ],
                }
            happening = getattr(post, "event", None) if post.type == "event" else None
            if happening is not None:
                record["event"] = {
                    "starts_at": iso(happening.starts_at),
                    "ends_at": iso(happening.ends_at),
                    "time_zone": happening.time_zone,
                    "place": happening.place,
                    "online_url": happening.online_url,
                    "cancelled_at": iso(happening.cancelled_at),
                }
            idea = getattr(post, "idea", None) if post.type == "idea" else None
            if idea is not None:
                record["idea"] = {
                    "status": idea.status,
                    "response": idea.response,
                    "status_changed_at": iso(idea.status_changed_at),
                    "status_changed_by": self.id("person", idea.status_changed_by_id),
                }
            yield record

    def comments(self) -> Iterator[dict[str, Any]]:
        for comment in chunks(self._comments()):
            yield {
                "id": self.id("comment", comment.pk),
                "post_id": self.id("post", comment.post_id),
                "parent_id": self.id("comment", comment.parent_id),
                "author_id": self.id("person", comment.author_id),
                "created_at": iso(comment.created_at),
                "edited_at": iso(comment.edited_at),
                "deleted_at": iso(comment.deleted_at),
                "body": self.text(comment.body),
                "mentions": self._mentions(comment.post_id, comment.pk),
            }

    def accepted_answers(self) -> Iterator[dict[str, Any]]:
        posts = self._posts().filter(accepted_answer__isnull=False)
        for post in chunks(posts):
            accepted = (
                Event.objects.filter(
                    verb="question.answer_accepted",
                    target_type="content.comment",
                    target_id=post.accepted_answer_id,
                )
                .order_by("-id")
                .first()
            )
            yield {
                "id": self.id("post", post.pk),
                "post_id": self.id("post", post.pk),
                "comment_id": self.id("comment", post.accepted_answer_id),
                "accepted_by": self.id("person", accepted.actor_id if accepted else post.author_id),
                "accepted_at": iso(accepted.occurred_at if accepted else post.created_at),
            }

    def reactions(self) -> Iterator[dict[str, Any]]:
        for reaction in chunks(self._mine(Reaction.objects.all())):
            yield {
                "id": self.id("reaction", reaction.pk),
                "person_id": self.id("person", reaction.user_id),
                "post_id": self.id("post", reaction.post_id),
                "comment_id": self.id("comment", reaction.comment_id),
                "kind": reaction.kind,
                "created_at": iso(reaction.created_at),
            }

    def votes(self) -> Iterator[dict[str, Any]]:
        poll_ids = self.ids["vote"]
        for vote in chunks(self._mine(PollVote.objects.select_related("poll"))):
            yield {
                "id": poll_ids(vote.pk),
                "person_id": self.id("person", vote.user_id),
                "post_id": self.id("post", vote.poll.post_id),
                "option_id": self.id("poll_option", vote.option_id),
                "created_at": iso(vote.created_at),
            }
        idea_ids = self.ids["idea_vote"]
        for idea_vote in chunks(self._mine(IdeaVote.objects.select_related("idea"))):
            yield {
                "id": idea_ids(idea_vote.pk),
                "person_id": self.id("person", idea_vote.user_id),
                "post_id": self.id("post", idea_vote.idea.post_id),
                "option_id": None,
                "created_at": iso(idea_vote.created_at),
            }

    def rsvps(self) -> Iterator[dict[str, Any]]:
        for rsvp in chunks(self._mine(EventRsvp.objects.select_related("event"))):
            yield {
                "id": self.id("rsvp", rsvp.pk),
                "person_id": self.id("person", rsvp.user_id),
                "post_id": self.id("post", rsvp.event.post_id),
                "answer": rsvp.answer,
                "answered_at": iso(rsvp.updated_at),
            }

    def read_confirmations(self) -> Iterator[dict[str, Any]]:
        for confirmation in chunks(self._mine(ReadConfirmation.objects.all())):
            yield {
                "id": self.id("read_confirmation", confirmation.pk),
                "person_id": self.id("person", confirmation.user_id),
                "post_id": self.id("post", confirmation.post_id),
                "created_at": iso(confirmation.created_at),
            }

    def _attachments(self) -> models.QuerySet[Attachment]:
        return self._mine(Attachment.objects.filter(post__isnull=False), "uploaded_by")

    def attachments(self) -> Iterator[dict[str, Any]]:
        for attachment in chunks(self._attachments()):
            yield {
                "id": self.id("attachment", attachment.pk),
                "post_id": self.id("post", attachment.post_id),
                "comment_id": self.id("comment", attachment.comment_id),
                "uploaded_by": self.id("person", attachment.uploaded_by_id),
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "path": self._file_path(attachment),
                "created_at": iso(attachment.created_at),
            }

    def _file_path(self, attachment: Attachment) -> str:
        safe = re.sub(r"[^\w.\-]+", "_", attachment.name)[:120] or "file"
        return f"files/{self.id('attachment', attachment.pk)}/{safe}"

    def attachment_files(self) -> Iterator[tuple[str, Attachment]]:
        for attachment in chunks(self._attachments()):
            if attachment.file:
                yield self._file_path(attachment), attachment

    def activity(self) -> Iterator[dict[str, Any]]:
        presence = Event.objects.filter(verb="user.present")
        if self.person is not None:
            presence = presence.filter(actor=self.person)
        seen: set[tuple[int, str]] = set()
        for event in chunks(presence.only("pk", "actor_id", "payload")):
            day = event.payload.get("day")
            if event.actor_id is None or not isinstance(day, str) or (event.actor_id, day) in seen:
                continue
            seen.add((event.actor_id, day))
            person = self.id("person", event.actor_id)
            yield {"id": f"{person}:{day}", "person_id": person, "day": day}
