"""Workplace from Meta export → open exchange format.

Meta publishes little about the layout of the admin "Download Workplace data" export, so this
reader takes the shape that the Workplace Graph API gives (which the export and the migration
tools built on the API follow), and is tolerant:

- ``people.csv`` (Admin panel › People › Export: ``Full name``, ``Email``, ``ID``...) or
  ``people.json`` / ``people.jsonl`` (Graph ``/community/members`` objects);
- per group, a folder ``groups/<name or id>/`` with ``group.json`` (``id``, ``name``,
  ``privacy`` OPEN, CLOSED or SECRET, ``description``), optionally ``members.json`` and one or
  more ``feed*.json`` (pages ``{"data": [...]}`` or lists) or ``feed*.jsonl`` files of posts
  with their ``comments`` and ``reactions``;
- Work Chat folders (``messages/``, ``inbox/``, ``chats/``) are private conversations: never
  imported, reported.

A ``feed*.json`` page is read whole (a Graph page is small); ``.jsonl`` feeds are streamed.
Meta's DYI JSON writes UTF-8 bytes as Latin-1 code points; strings are repaired.
See docs/administration/import-yammer-workplace.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils.translation import gettext as _

from .common import (
    ConversionReport,
    CsvColumns,
    ExportSource,
    OpenFormatWriter,
    SourceError,
    iso_utc,
    main_domain,
    parse_timestamp,
    read_csv,
    source_name,
    truthy,
)
from .text import body_to_markdown, fix_mojibake

PEOPLE = CsvColumns(
    known=frozenset(
        [
            "id",
            "user_id",
            "full_name",
            "name",
            "email",
            "employee_id",
            "job_title",
            "title",
            "department",
            "division",
            "organisation",
            "organization",
            "location",
            "phone_number",
            "start_date",
            "status",
            "admin",
            "source",
            "account_type",
            "claimed",
            "claim_date",
            "invited_date",
            "manager_email",
            "manager_employee_id",
            "created",
        ]
    ),
    required=frozenset({"email"}),
)

PRIVACY = {"OPEN": "open", "CLOSED": "private", "SECRET": "secret"}

# Workplace reaction types → Rucher's (like, thanks, insightful, support, curious).
# ANGRY has no honest equivalent: it is not carried over (reported).
REACTIONS = {
    "LIKE": "like",
    "LOVE": "like",
    "HAHA": "like",
    "WOW": "insightful",
    "SAD": "support",
    "CARE": "support",
    "PRIDE": "support",
    "THANKFUL": "thanks",
}

CHAT_FOLDERS = ("messages/", "inbox/", "chats/", "work_chat/", "workchat/")
_HASHTAG = re.compile(r"(?<![\w&/#])#(\w[\w-]{0,63})")


def _fix(value: Any) -> Any:
    """Repair mojibake in every string of a decoded JSON value."""
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [_fix(v) for v in value]
    if isinstance(value, dict):
        return {k: _fix(v) for k, v in value.items()}
    return value


def _items(value: Any) -> list[dict[str, Any]]:
    """The objects of a Graph edge (``{"data": [...]}``) or of a plain list."""
    if isinstance(value, dict):
        value = value.get("data", [])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class WorkplaceReader:
    name = "workplace"

    def __init__(
        self,
        source: ExportSource,
        writer: OpenFormatWriter,
        report: ConversionReport,
        *,
        default_zone: tzinfo = UTC,
        explicit_name: bool = False,
    ) -> None:
        self.explicit_name = explicit_name
        self.domains: Counter[str] = Counter()
        self.source = source
        self.writer = writer
        self.report = report
        self.zone = default_zone
        self.people: dict[str, str] = {}  # Workplace id -> display name
        self.by_email: dict[str, str] = {}  # e-mail -> Workplace id
        self.posts: set[str] = set()
        self.comments: set[str] = set()
        self.members: dict[tuple[str, str], datetime] = {}
        self.declared: set[tuple[str, str]] = set()

    def run(self) -> None:
        self._people()
        groups = sorted(
            {n.rsplit("/", 1)[0] for n in self.source.names if n.lower().startswith("groups/")}
        )
        if not groups:
            raise SourceError(_("This Workplace export holds no groups/ folder."))
        for folder in groups:
            self._group(folder)
        self._chats()
        self._memberships()
        domain = main_domain(self.domains)
        if domain and not self.explicit_name:
            self.writer.source_name = source_name("workplace", domain)

    # --- people ------------------------------------------------------------------------------

    def _people(self) -> None:
        csv_name = self.source.find("people.csv")
        if csv_name is not None:
            for line, row in read_csv(self.source, csv_name, PEOPLE, self.report):
                self._person(csv_name, line, _people_row(row))
            return
        for name in (self.source.find("people.jsonl"), self.source.find("people.json")):
            if name is not None:
                for line, obj in self._objects(name):
                    self._person(name, line, obj)
                return
        self.report.warning("people.csv", 0, _("No people file: authors come from the posts."))

    def _person(self, name: str, line: int, obj: dict[str, Any]) -> str | None:
        person_id = str(obj.get("id") or "")
        email = str(obj.get("email") or "").strip().lower()
        if not email:
            self.report.skip(
                "person_without_email",
                name,
                line,
                _("%(who)s has no e-mail address and cannot be matched: skipped.")
                % {"who": obj.get("name") or person_id or "?"},
                level="warning",
            )
            return None
        person_id = person_id or email
        if person_id in self.people or email in self.by_email:
            self.report.skip(
                "duplicate_id",
                name,
                line,
                _("Duplicate person %(id)s: this entry was skipped.") % {"id": person_id},
                level="error",
            )
            return None
        status = str(obj.get("status") or "").lower()
        active = obj.get("active", True) is not False and status not in {
            "deactivated", "deleted", "soft-delete", "inactive",
        }  # fmt: skip
        display = str(obj.get("name") or email)
        self.writer.write(
            "person",
            {
                "id": person_id,
                "email": email,
                "display_name": display,
                "role": "guest"
                if status == "external" or obj.get("external") is True
                else "employee",
                "job_title": obj.get("title") or None,
                "active": active,
                "created_at": iso_utc(parse_timestamp(obj.get("created"), self.zone)),
            },
        )
        self.people[person_id] = display
        self.by_email[email] = person_id
        if status != "external":
            self.domains[email.rsplit("@", 1)[-1]] += 1
        return person_id

    def _author(self, name: str, line: int, who: Any) -> str | None:
        """The person id of a ``from`` object, creating people known only from content."""
        if not isinstance(who, dict):
            return None
        person_id = str(who.get("id") or "")
        if person_id in self.people:
            return person_id
        email = str(who.get("email") or "").lower()
        if email in self.by_email:
            return self.by_email[email]
        if email:
            self.report.info(
                name,
                line,
                _("%(email)s is not in the people file: imported from the content.")
                % {"email": email},
            )
            return self._person(name, line, {"id": person_id, "email": email, **who})
        return None

    # --- groups and content --------------------------------------------------------------------

    def _objects(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """The objects of a JSON file (whole) or a JSON Lines file (streamed), with lines."""
        with self.source.open(name) as raw:
            if name.lower().endswith(".jsonl"):
                for number, line in enumerate(raw, start=1):
                    text = line.decode("utf-8-sig", errors="replace").strip()
                    if not text:
                        continue
                    try:
                        obj = json.loads(text)
                    except json.JSONDecodeError as error:
                        self.report.error(
                            name, number, _("Unreadable JSON: %(error)s") % {"error": error.msg}
                        )
                        continue
                    if isinstance(obj, dict):
                        yield number, _fix(obj)
                return
            data = raw.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.report.warning(name, 0, _("The file is not UTF-8; it was read as Windows-1252."))
            text = data.decode("cp1252", errors="replace")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            self.report.error(
                name,
                error.lineno,
                _("Unreadable JSON: %(error)s. The file was skipped.") % {"error": error.msg},
            )
            return
        if isinstance(value, dict) and "data" not in value:
            value = [value]
        for index, obj in enumerate(_items(value)):
            yield index + 1, _fix(obj)

    def _group(self, folder: str) -> None:
        group_file = self.source.find(f"{folder}/group.json")
        if group_file is None:
            self.report.error(folder, 0, _("No group.json in this folder: the group was skipped."))
            return
        group = next((obj for _line, obj in self._objects(group_file)), None)
        if group is None or not group.get("id"):
            self.report.error(group_file, 0, _("The group has no id: skipped."))
            return
        group_id = str(group["id"])
        privacy = str(group.get("privacy") or "").upper()
        visibility = PRIVACY.get(privacy)
        if visibility is None:
            visibility = "private"
            self.report.warning(
                group_file,
                0,
                _("Unknown privacy %(value)s: the community is made private.")
                % {"value": privacy or "-"},
            )
        created = parse_timestamp(group.get("created_time") or group.get("updated_time"), self.zone)
        feeds = self.source.glob(f"{folder}/feed*.json") + self.source.glob(f"{folder}/feed*.jsonl")
        feeds += self.source.glob(f"{folder}/posts*.json") + self.source.glob(
            f"{folder}/posts*.jsonl"
        )
        for feed in sorted(set(feeds)):
            for line, post in self._objects(feed):
                self._post(feed, line, group_id, post)
        if created is None:  # dated by its first post, else by the conversion
            times = [t for (c, _p), t in self.members.items() if c == group_id]
            created = min(times) if times else self.writer.started
        self.writer.write(
            "community",
            {
                "id": group_id,
                "name": group.get("name") or group_id,
                "description": group.get("description") or None,
                "visibility": visibility,
                "created_at": iso_utc(created),
            },
        )
        members = self.source.find(f"{folder}/members.json")
        if members is not None:
            for line, member in self._objects(members):
                person = self._author(members, line, member)
                if person is None:
                    self.report.skip(
                        "missing_member",
                        members,
                        line,
                        _("Member %(who)s is unknown (no e-mail): skipped.")
                        % {"who": member.get("name") or member.get("id") or "?"},
                        level="warning",
                    )
                    continue
                if (group_id, person) in self.declared:
                    continue
                self.declared.add((group_id, person))
                self._membership(
                    group_id,
                    person,
                    "owner" if truthy(str(member.get("administrator"))) else "member",
                    parse_timestamp(member.get("joined_time"), self.zone) or created,
                )

    def _time(self, obj: dict[str, Any]) -> datetime | None:
        return parse_timestamp(obj.get("created_time") or obj.get("timestamp"), self.zone)

    def _text(self, obj: dict[str, Any]) -> tuple[str, list[str], list[str]]:
        body = body_to_markdown(str(obj.get("message") or obj.get("post") or ""))
        mentions: list[str] = []
        for tag in _items(obj.get("message_tags")):
            tagged = str(tag.get("id") or "")
            name = str(tag.get("name") or "")
            if tagged in self.people and name and name in body:
                body = body.replace(name, f"@[{self.people[tagged]}](person:{tagged})", 1)
                if tagged not in mentions:
                    mentions.append(tagged)
        for attachment in _items(obj.get("attachments")) + (
            [obj["attachment"]] if isinstance(obj.get("attachment"), dict) else []
        ):
            url = str(attachment.get("url") or "")
            if url.lower().startswith(("http://", "https://")) and url not in body:
                title = attachment.get("title") or url
                body = f"{body}\n\n[{title}]({url})".strip()
        hashtags: list[str] = []
        for match in _HASHTAG.finditer(body):
            if match.group(1) not in hashtags:
                hashtags.append(match.group(1))
        return body, mentions, hashtags

    def _post(self, name: str, line: int, group_id: str, post: dict[str, Any]) -> None:
        post_id = str(post.get("id") or "")
        if not post_id:
            self.report.skip("no_id", name, line, _("A post without an id was skipped."))
            return
        if post_id in self.posts:
            self.report.skip(
                "duplicate_id",
                name,
                line,
                _("Duplicate post id %(id)s: skipped.") % {"id": post_id},
                level="error",
            )
            return
        author = self._author(name, line, post.get("from"))
        created = self._time(post)
        if author is None or created is None:
            self.report.skip(
                "missing_author" if author is None else "bad_date",
                name,
                line,
                _("Post %(id)s has no known author or no readable date: skipped.")
                % {"id": post_id},
                level="error",
            )
            return
        body, mentions, hashtags = self._text(post)
        if isinstance(post.get("poll"), dict):
            self.report.info(
                name,
                line,
                _("Post %(id)s is a poll: options and votes are not carried over.")
                % {"id": post_id},
            )
        self.posts.add(post_id)
        self.writer.write(
            "post",
            {
                "id": post_id,
                "type": "discussion",
                "community_id": group_id,
                "author_id": author,
                "created_at": iso_utc(created),
                "title": post.get("title") or None,
                "body": body,
                "hashtags": hashtags,
                "mentions": mentions,
            },
        )
        self._member(group_id, author, created)
        self._reactions(name, line, post, post_id, None, created)
        for comment in _items(post.get("comments")):
            self._comment(name, line, group_id, post_id, None, comment)

    def _comment(
        self,
        name: str,
        line: int,
        group_id: str,
        post_id: str,
        top: str | None,
        comment: dict[str, Any],
    ) -> None:
        """A comment and its replies; replies at any depth hang under the top-level comment."""
        comment_id = str(comment.get("id") or "")
        author = self._author(name, line, comment.get("from"))
        created = self._time(comment)
        replies = _items(comment.get("comments"))
        if not comment_id or comment_id in self.comments or author is None or created is None:
            reason = (
                "no_id"
                if not comment_id
                else "duplicate_id"
                if comment_id in self.comments
                else "missing_author"
                if author is None
                else "bad_date"
            )
            self.report.skip(
                reason,
                name,
                line,
                _(
                    "Comment %(id)s on post %(post)s has no id, a duplicate id, no known "
                    "author or no readable date: skipped."
                )
                % {"id": comment_id or "?", "post": post_id},
                level="error",
            )
            for reply in replies:  # its replies still belong to the post
                self._comment(name, line, group_id, post_id, top, reply)
            return
        body, mentions, _hashtags = self._text(comment)
        self.comments.add(comment_id)
        self.writer.write(
            "comment",
            {
                "id": comment_id,
                "post_id": post_id,
                "parent_id": top,
                "author_id": author,
                "created_at": iso_utc(created),
                "body": body,
                "mentions": mentions,
            },
        )
        self._member(group_id, author, created)
        self._reactions(name, line, comment, post_id, comment_id, created)
        for reply in replies:
            self._comment(name, line, group_id, post_id, top or comment_id, reply)

    def _reactions(
        self,
        name: str,
        line: int,
        obj: dict[str, Any],
        post_id: str,
        comment_id: str | None,
        created: datetime,
    ) -> None:
        seen: set[str] = set()
        for reaction in _items(obj.get("reactions")):
            kind = REACTIONS.get(str(reaction.get("type") or "LIKE").upper())
            target = comment_id or post_id
            if kind is None:
                self.report.skip(
                    "reaction_not_mapped",
                    name,
                    line,
                    _("A %(type)s reaction on %(target)s has no equivalent: not carried over.")
                    % {"type": reaction.get("type"), "target": target},
                )
                continue
            person = self._author(name, line, reaction)
            if person is None:
                self.report.skip(
                    "missing_author",
                    name,
                    line,
                    _("A reaction on %(target)s by an unknown person was skipped.")
                    % {"target": target},
                    level="warning",
                )
                continue
            if person in seen:
                continue
            seen.add(person)
            self.writer.write(
                "reaction",
                {
                    "id": f"{target}-{person}",
                    "person_id": person,
                    "post_id": post_id,
                    "comment_id": comment_id,
                    "kind": kind,
                    # Graph reactions carry no time: the time of what was reacted to is used.
                    "created_at": iso_utc(
                        parse_timestamp(reaction.get("created_time"), self.zone) or created
                    ),
                },
            )

    def _chats(self) -> None:
        for name in self.source.names:
            if name.lower().startswith(CHAT_FOLDERS):
                self.report.skip(
                    "private_message",
                    name,
                    0,
                    _("Work Chat conversations are private messages: not imported."),
                )

    def _member(self, community: str, person: str, moment: datetime) -> None:
        key = (community, person)
        known = self.members.get(key)
        if known is None or moment < known:
            self.members[key] = moment

    def _memberships(self) -> None:
        """Authors not in a group's member list were members when they wrote: add them."""
        for (community, person), when in sorted(self.members.items()):
            if (community, person) in self.declared:
                continue
            self._membership(community, person, "member", when)

    def _membership(self, community: str, person: str, role: str, joined: datetime) -> None:
        self.writer.write(
            "membership",
            {
                "id": f"{community}:{person}",
                "community_id": community,
                "person_id": person,
                "role": role,
                "joined_at": iso_utc(joined),
            },
        )


def _people_row(row: dict[str, str]) -> dict[str, Any]:
    """A row of the admin People export, with its column names as the Graph API names them."""
    flat = row
    return {
        "id": flat.get("id") or flat.get("user_id") or "",
        "email": flat.get("email", ""),
        "name": flat.get("full_name") or flat.get("name") or "",
        "title": flat.get("job_title") or flat.get("title") or "",
        "department": flat.get("department") or "",
        "location": flat.get("location") or "",
        "status": flat.get("status") or "",
        "created": flat.get("created") or flat.get("start_date") or "",
    }
