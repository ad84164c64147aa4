"""Viva Engage (Yammer) network data export → open exchange format.

The export is a ZIP (or the folder it unpacks to) of CSV files: ``Users.csv``, ``Groups.csv``,
``Messages.csv``, ``Topics.csv``, ``Files.csv`` (plus ``Admins.csv``, ``Networks.csv``,
``Pages.csv``... which carry nothing Rucher keeps) and, when files were included, the files
themselves under the paths ``Files.csv`` gives. See docs/administration/import-yammer-workplace.md
for the columns used, where they go and what cannot be carried over.

``Messages.csv`` is read twice, streaming: the first pass keeps only the thread structure
(message id → thread, replied-to message, status), the second writes posts and comments. So
the file's order does not matter (a reply may come before the message it answers).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils.translation import gettext as _

from .common import (
    ConversionReport,
    CsvColumns,
    ExportSource,
    OpenFormatWriter,
    SourceError,
    chunks,
    iso_utc,
    main_domain,
    parse_timestamp,
    read_csv,
    source_name,
    truthy,
)
from .text import body_to_markdown, hashtag_name

USERS = CsvColumns(
    known=frozenset(
        [
            "id",
            "name",
            "email",
            "job_title",
            "location",
            "department",
            "api_url",
            "deleted_by_id",
            "deleted_by_type",
            "joined_at",
            "deleted_at",
            "suspended_by_id",
            "suspended_by_type",
            "suspended_at",
            "guid",
            "state",
            "office_user_id",
            "user_cover_image_url",
        ]
    ),
    required=frozenset({"id", "email"}),
)
GROUPS = CsvColumns(
    known=frozenset(
        [
            "id",
            "name",
            "description",
            "private",
            "moderated",
            "api_url",
            "created_by_id",
            "created_by_type",
            "created_at",
            "updated_at",
            "deleted",
            "external",
            "office_group_id",
        ]
    ),
    required=frozenset({"id", "name"}),
)
MESSAGES = CsvColumns(
    known=frozenset(
        [
            "id",
            "replied_to_id",
            "parent_id",
            "thread_id",
            "conversation_id",
            "group_id",
            "group_name",
            "participants",
            "in_private_group",
            "in_private_conversation",
            "sender_id",
            "sender_type",
            "sender_name",
            "sender_email",
            "body",
            "html_body",
            "delegate_id",
            "api_url",
            "attachments",
            "deleted_by_id",
            "deleted_by_type",
            "created_at",
            "deleted_at",
            "title",
            "message_type",
            "gdpr_delete_url",
            "closed",
        ]
    ),
    required=frozenset({"id", "thread_id", "sender_id", "body", "created_at"}),
)
TOPICS = CsvColumns(
    known=frozenset(["id", "name", "description", "created_at", "created_by_id", "api_url"]),
    required=frozenset({"id", "name"}),
)
FILES = CsvColumns(
    known=frozenset(
        [
            "file_id",
            "id",
            "uploader_id",
            "uploader_type",
            "name",
            "description",
            "path",
            "file_type",
            "content_type",
            "group_id",
            "group_name",
            "created_at",
            "deleted_at",
            "download_url",
            "storage_type",
            "api_url",
            "size",
        ]
    ),
)
# Files of the export that carry nothing Rucher keeps: named in the report, not read.
NOT_CARRIED = ("admins.csv", "networks.csv", "pages.csv", "log.txt", "request.txt")

ALL_COMPANY_ID = "all-company"

_USER_REF = re.compile(r"\[\[user:(\d+)\]\]")
_TAG_REF = re.compile(r"\[\[tag:(\d+)\]\]")
_GROUP_REF = re.compile(r"\[\[group:(\d+)\]\]")
_HASHTAG = re.compile(r"(?<![\w&/#])#(\w[\w-]{0,63})")
_UPLOADED_FILE = re.compile(r"uploadedfile:(\d+)")
_OPEN_GRAPH = re.compile(
    r'opengraphobject:\[(\d*) : (\S*) : title="((?:[^"\\]|\\.)*)" : '
    r'description="((?:[^"\\]|\\.)*)"\]'
)

# Status of a message after the first pass.
KEEP, DELETED, PRIVATE, SKIPPED, DUPLICATE = range(5)

POST_TYPES = {"announcement": "announcement", "question": "question"}


@dataclass
class _Message:
    """What the first pass keeps of a message: enough to rebuild the thread."""

    thread: str
    replied_to: str
    status: int
    line: int


@dataclass
class _State:
    people: dict[str, str] = field(default_factory=dict)  # user id -> display name
    communities: dict[str, str] = field(default_factory=dict)  # group id -> name
    deleted_groups: set[str] = field(default_factory=set)
    private_groups: set[str] = field(default_factory=set)
    topics: dict[str, str] = field(default_factory=dict)  # topic id -> hashtag
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # file id -> Files.csv row
    messages: dict[str, _Message] = field(default_factory=dict)
    members: dict[tuple[str, str], datetime] = field(default_factory=dict)
    owners: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # communities without date
    domains: Counter[str] = field(default_factory=Counter)


class YammerReader:
    name = "yammer"

    def __init__(
        self,
        source: ExportSource,
        writer: OpenFormatWriter,
        report: ConversionReport,
        *,
        default_zone: tzinfo = UTC,
        all_company: str = "community",
        explicit_name: bool = False,
    ) -> None:
        self.explicit_name = explicit_name
        self.source = source
        self.writer = writer
        self.report = report
        self.zone = default_zone
        self.all_company = all_company
        self.state = _State()

    # --- entry point -------------------------------------------------------------------------

    def run(self) -> None:
        names = {n.lower(): n for n in self.source.names}
        messages = self.source.find("Messages.csv")
        if messages is None:
            raise SourceError(
                _("This is not a Viva Engage (Yammer) network export: Messages.csv is missing.")
            )
        for lower, stored in names.items():
            base = lower.rsplit("/", 1)[-1]
            if base in NOT_CARRIED:
                self.report.info(stored, 0, _("Not carried over: nothing in it maps to Rucher."))
            elif base.endswith(".csv") and base not in {
                "users.csv", "groups.csv", "messages.csv", "topics.csv", "files.csv",
            }:  # fmt: skip
                self.report.info(stored, 0, _("Unknown file ignored."))
        self._users()
        self._groups()
        self._topics()
        self._files()
        self._first_pass(messages)
        self._second_pass(messages, replies=False)
        self._second_pass(messages, replies=True)
        self._memberships()
        self._name_source()

    # --- people, groups, topics, files ---------------------------------------------------------

    def _users(self) -> None:
        name = self.source.find("Users.csv")
        if name is None:
            self.report.warning(
                "Users.csv", 0, _("Users.csv is missing: authors come from Messages.csv only.")
            )
            return
        for line, row in read_csv(self.source, name, USERS, self.report):
            user_id, email = row.get("id", ""), row.get("email", "").lower()
            if not user_id:
                self.report.skip("no_id", name, line, _("A user without an id was skipped."))
                continue
            if user_id in self.state.people:
                self.report.skip(
                    "duplicate_id",
                    name,
                    line,
                    _("Duplicate user id %(id)s: this row was skipped.") % {"id": user_id},
                    level="error",
                )
                continue
            if not email:
                self.report.skip(
                    "person_without_email",
                    name,
                    line,
                    _("User %(id)s has no e-mail address and cannot be matched: skipped.")
                    % {"id": user_id},
                    level="warning",
                )
                continue
            state = row.get("state", "active").lower() or "active"
            ended = parse_timestamp(row.get("deleted_at"), self.zone) or parse_timestamp(
                row.get("suspended_at"), self.zone
            )
            active = state == "active" and ended is None
            display = row.get("name") or email
            self.writer.write(
                "person",
                {
                    "id": user_id,
                    "email": email,
                    "display_name": display,
                    "role": "employee",
                    "job_title": row.get("job_title") or None,
                    "active": active,
                    "created_at": iso_utc(parse_timestamp(row.get("joined_at"), self.zone)),
                    "deactivated_at": iso_utc(ended) if not active else None,
                },
            )
            self.state.people[user_id] = display
            self.state.domains[email.rsplit("@", 1)[-1]] += 1

    def _groups(self) -> None:
        name = self.source.find("Groups.csv")
        if name is None:
            self.report.warning("Groups.csv", 0, _("Groups.csv is missing."))
            return
        seen: set[str] = set()
        for line, row in read_csv(self.source, name, GROUPS, self.report):
            group_id = row["id"]
            if group_id in seen:
                self.report.skip(
                    "duplicate_id",
                    name,
                    line,
                    _("Duplicate group id %(id)s: this row was skipped.") % {"id": group_id},
                    level="error",
                )
                continue
            seen.add(group_id)
            if truthy(row.get("deleted")):
                self.state.deleted_groups.add(group_id)
                self.report.skip(
                    "deleted_group",
                    name,
                    line,
                    _("Group %(name)s was deleted in the source: it and its messages are skipped.")
                    % {"name": row["name"]},
                )
                continue
            private = truthy(row.get("private"))
            created = parse_timestamp(row.get("created_at"), self.zone)
            self._community(group_id, row["name"], private, row.get("description", ""), created)
            creator = row.get("created_by_id", "")
            if creator and creator in self.state.people:
                self.state.owners[(group_id, creator)] = created

    def _community(
        self,
        group_id: str,
        name: str,
        private: bool,
        description: str = "",
        created: datetime | None = None,
    ) -> None:
        record = {
            "id": group_id,
            "name": name or group_id,
            "description": body_to_markdown(description) if description else None,
            "visibility": "private" if private else "open",
            "created_at": iso_utc(created),
        }
        if created is None:  # dated at the end, by its first message
            self.state.pending[group_id] = record
        else:
            self.writer.write("community", record)
        self.state.communities[group_id] = name
        if private:
            self.state.private_groups.add(group_id)

    def _topics(self) -> None:
        name = self.source.find("Topics.csv")
        if name is None:
            return
        for _line, row in read_csv(self.source, name, TOPICS, self.report):
            tag = hashtag_name(row["name"])
            if tag:
                self.state.topics[row["id"]] = tag

    def _files(self) -> None:
        name = self.source.find("Files.csv")
        if name is None:
            return
        for line, row in read_csv(self.source, name, FILES, self.report):
            file_id = row.get("file_id") or row.get("id") or ""
            if not file_id:
                self.report.skip("no_id", name, line, _("A file without an id was skipped."))
                continue
            if file_id in self.state.files:
                self.report.skip(
                    "duplicate_id",
                    name,
                    line,
                    _("Duplicate file id %(id)s: this row was skipped.") % {"id": file_id},
                    level="error",
                )
                continue
            if row.get("deleted_at"):
                continue
            row["_line"] = str(line)
            self.state.files[file_id] = row

    # --- messages ------------------------------------------------------------------------------

    def _author(self, name: str, line: int, row: dict[str, str]) -> str | None:
        """The person id of a message's sender, creating people known only from messages."""
        sender = row.get("sender_id", "")
        if sender in self.state.people:
            return sender
        email = row.get("sender_email", "").lower()
        if sender and email:
            display = row.get("sender_name") or email
            self.writer.write(
                "person",
                {"id": sender, "email": email, "display_name": display, "role": "guest"},
            )
            self.state.people[sender] = display
            self.report.info(
                name,
                line,
                _("Sender %(email)s is not in Users.csv: imported as an external person.")
                % {"email": email},
            )
            return sender
        return None

    def _first_pass(self, name: str) -> None:
        messages = self.state.messages
        for line, row in read_csv(self.source, name, MESSAGES, self.report):
            message_id = row["id"]
            if not message_id:
                self.report.skip("no_id", name, line, _("A message without an id was skipped."))
                continue
            if message_id in messages:
                self.report.skip(
                    "duplicate_id",
                    name,
                    line,
                    _(
                        "Duplicate message id %(id)s (first at line %(first)d): "
                        "this row was skipped."
                    )
                    % {"id": message_id, "first": messages[message_id].line},
                    level="error",
                )
                continue
            status = self._status(name, line, row)
            thread = row.get("thread_id") or message_id
            replied = row.get("replied_to_id") or row.get("parent_id") or ""
            messages[message_id] = _Message(thread, replied, status, line)

    def _status(self, name: str, line: int, row: dict[str, str]) -> int:
        message_id = row["id"]
        if row.get("deleted_at") or row.get("deleted_by_id"):
            self.report.skip(
                "deleted_message",
                name,
                line,
                _("Message %(id)s was deleted in the source: skipped.") % {"id": message_id},
            )
            return DELETED
        if truthy(row.get("in_private_conversation")):
            self.report.skip(
                "private_message",
                name,
                line,
                _("Message %(id)s is a private message: private messages are not imported.")
                % {"id": message_id},
            )
            return PRIVATE
        if (row.get("message_type") or "").lower() == "system":
            self.report.skip(
                "system_message",
                name,
                line,
                _("Message %(id)s is a system message: skipped.") % {"id": message_id},
            )
            return SKIPPED
        if (row.get("sender_type") or "user").lower() != "user":
            self.report.skip(
                "unsupported_sender",
                name,
                line,
                _("Message %(id)s was not sent by a person (%(type)s): skipped.")
                % {"id": message_id, "type": row.get("sender_type")},
            )
            return SKIPPED
        group = row.get("group_id", "")
        if group in self.state.deleted_groups:
            self.report.skip(
                "deleted_group",
                name,
                line,
                _("Message %(id)s is in a deleted group: skipped.") % {"id": message_id},
            )
            return SKIPPED
        if not group:
            if self.all_company != "community":
                self.report.skip(
                    "all_company",
                    name,
                    line,
                    _("Message %(id)s is in All Company, which is not imported: skipped.")
                    % {"id": message_id},
                )
                return SKIPPED
            if ALL_COMPANY_ID not in self.state.communities:
                self._community(ALL_COMPANY_ID, _("All Company"), private=False)
        elif group not in self.state.communities:
            private = row.get("in_private_group", "").strip() == "" or truthy(
                row.get("in_private_group")
            )
            self._community(group, row.get("group_name") or group, private)
            self.report.warning(
                name,
                line,
                _(
                    "Group %(id)s is not in Groups.csv: created from the message as "
                    "%(visibility)s community."
                )
                % {"id": group, "visibility": _("a private") if private else _("an open")},
            )
        elif truthy(row.get("in_private_group")) and group not in self.state.private_groups:
            self.report.warning(
                name,
                line,
                _(
                    "Message %(id)s says its group is private but Groups.csv says open; "
                    "the community stays as Groups.csv says."
                )
                % {"id": message_id},
            )
        if self._author(name, line, row) is None:
            self.report.skip(
                "missing_author",
                name,
                line,
                _("Message %(id)s: its author %(sender)s is unknown (no e-mail): skipped.")
                % {"id": message_id, "sender": row.get("sender_id") or "?"},
                level="error",
            )
            return SKIPPED
        return KEEP

    def _top_level(
        self, message_id: str, name: str, line: int, *, quiet: bool = False
    ) -> tuple[str | None, str | None]:
        """For a reply: (the thread starter's id, the top-level comment it hangs under).

        Rucher has one level of replies: a reply to a reply hangs under the top-level comment
        of its branch. Returns (None, None) when the thread starter cannot be found.
        """
        messages = self.state.messages
        entry = messages[message_id]
        starter = messages.get(entry.thread)
        if starter is None or starter.status != KEEP:
            return None, None
        chain: list[str] = []
        current, seen = entry.replied_to, {message_id}
        while current and current != entry.thread:
            if current in seen:  # a loop: the data is wrong; hang under the thread
                chain = []
                break
            seen.add(current)
            parent = messages.get(current)
            if parent is None:
                if not quiet:
                    self.report.warning(
                        name,
                        line,
                        _(
                            "Message %(id)s replies to message %(parent)s, which is not in the "
                            "export: attached to its thread instead."
                        )
                        % {"id": message_id, "parent": current},
                    )
                chain = []
                break
            chain.append(current)
            current = parent.replied_to
        if not chain or messages[chain[-1]].status != KEEP:
            return entry.thread, None
        return entry.thread, chain[-1]

    def _second_pass(self, name: str, *, replies: bool) -> None:
        """Posts and top-level comments (``replies`` False), then replies to comments (True).

        Two passes so that a comment's parent is always written before it, whatever the
        order of Messages.csv.
        """
        messages = self.state.messages
        for line, row in read_csv(self.source, name, MESSAGES, self.report, report_unknown=False):
            message_id = row["id"]
            entry = messages.get(message_id)
            if entry is None or entry.line != line or entry.status != KEEP:
                continue
            is_post = message_id == entry.thread
            if is_post and replies:
                continue
            created = parse_timestamp(row.get("created_at"), self.zone)
            if created is None:
                self.report.skip(
                    "bad_date",
                    name,
                    line,
                    _("Message %(id)s has no readable date (%(value)s): skipped.")
                    % {"id": message_id, "value": row.get("created_at")},
                    level="error",
                )
                entry.status = SKIPPED
                continue
            author = row["sender_id"]
            community = row.get("group_id") or ALL_COMPANY_ID
            if is_post:
                self._post(name, line, row, community, author, created)
                continue
            post, parent = self._top_level(message_id, name, line, quiet=replies)
            if post is None:
                if not replies:
                    self.report.skip(
                        "missing_parent",
                        name,
                        line,
                        _(
                            "Message %(id)s replies in thread %(thread)s, whose first message "
                            "is not in the export or was not imported: skipped."
                        )
                        % {"id": message_id, "thread": entry.thread},
                        level="error",
                    )
                continue
            if (parent is not None) != replies:
                continue
            body, mentions, _hashtags = self._body(name, line, row)
            self.writer.write(
                "comment",
                {
                    "id": message_id,
                    "post_id": post,
                    "parent_id": parent,
                    "author_id": author,
                    "created_at": iso_utc(created),
                    "body": body,
                    "mentions": mentions,
                },
            )
            self._member(community, author, created)
            self._attachments(name, line, row, post, message_id, created)

    def _post(
        self,
        name: str,
        line: int,
        row: dict[str, str],
        community: str,
        author: str,
        created: datetime,
    ) -> None:
        message_id = row["id"]
        message_type = (row.get("message_type") or "").lower()
        body, mentions, hashtags = self._body(name, line, row)
        self.writer.write(
            "post",
            {
                "id": message_id,
                "type": POST_TYPES.get(message_type, "discussion"),
                "community_id": community,
                "author_id": author,
                "created_at": iso_utc(created),
                "title": row.get("title") or None,
                "body": body,
                "hashtags": hashtags,
                "mentions": mentions,
            },
        )
        if message_type == "poll":
            self.report.info(
                name,
                line,
                _(
                    "Message %(id)s is a poll: the export holds no options or votes, "
                    "it is imported as a discussion."
                )
                % {"id": message_id},
            )
        self._member(community, author, created)
        self._attachments(name, line, row, message_id, None, created)

    def _body(self, name: str, line: int, row: dict[str, str]) -> tuple[str, list[str], list[str]]:
        raw = row.get("html_body") or row.get("body") or ""
        mentions: list[str] = []
        hashtags: list[str] = []

        def user(match: re.Match[str]) -> str:
            user_id = match.group(1)
            display = self.state.people.get(user_id)
            if display is None:
                return "@" + _("someone")
            if user_id not in mentions:
                mentions.append(user_id)
            return f"@[{display}](person:{user_id})"

        def tag(match: re.Match[str]) -> str:
            topic = self.state.topics.get(match.group(1))
            return f"#{topic}" if topic else ""

        def group(match: re.Match[str]) -> str:
            return self.state.communities.get(match.group(1), "")

        text = body_to_markdown(raw)
        # The Markdown conversion kept the [[...]] references as text; resolve them now.
        text = _USER_REF.sub(user, text)
        text = _TAG_REF.sub(tag, text)
        text = _GROUP_REF.sub(group, text)
        attachments = row.get("attachments", "")
        for match in _OPEN_GRAPH.finditer(attachments):
            url, title = match.group(2), match.group(3).replace('\\"', '"')
            if url.lower().startswith(("http://", "https://")) and url not in text:
                text += f"\n\n[{title or url}]({url})"
        for match in _UPLOADED_FILE.finditer(attachments):
            meta = self.state.files.get(match.group(1))
            if meta is None or self._stored(meta) is not None:
                continue
            # The bytes are not in the export (SharePoint storage): a link is what remains.
            url = meta.get("download_url", "")
            if url.lower().startswith(("http://", "https://")):
                text += f"\n\n[{meta.get('name') or url}]({url})"
        for match in _HASHTAG.finditer(text):
            if match.group(1) not in hashtags:
                hashtags.append(match.group(1))
        return text.strip(), mentions, hashtags

    def _stored(self, meta: dict[str, str]) -> str | None:
        return self.source.find(meta["path"]) if meta.get("path") else None

    def _member(self, community: str, person: str, moment: datetime | None) -> None:
        if moment is None:
            return
        key = (community, person)
        known = self.state.members.get(key)
        if known is None or moment < known:
            self.state.members[key] = moment

    def _attachments(
        self,
        name: str,
        line: int,
        row: dict[str, str],
        post: str,
        comment: str | None,
        created: datetime,
    ) -> None:
        for match in _UPLOADED_FILE.finditer(row.get("attachments", "")):
            file_id = match.group(1)
            meta = self.state.files.get(file_id)
            if meta is None:
                self.report.warning(
                    name,
                    line,
                    _("Message %(id)s refers to file %(file)s, which is not in Files.csv.")
                    % {"id": row["id"], "file": file_id},
                )
                continue
            filename = meta.get("name") or file_id
            stored = self._stored(meta)
            if stored is None:
                self.report.skip(
                    "file_not_in_export",
                    "Files.csv",
                    int(meta.get("_line", "0")),
                    _(
                        "The content of file %(name)s is not in the export: a link to it is "
                        "kept in the text when the export gives one."
                    )
                    % {"name": filename},
                    level="warning",
                )
                continue
            attachment_id = f"{row['id']}-{file_id}"
            relative = f"{attachment_id}/{_safe_name(filename)}"
            size = self.writer.add_file(relative, chunks(self.source.open(stored)))
            uploader = meta.get("uploader_id", "")
            self.writer.write(
                "attachment",
                {
                    "id": attachment_id,
                    "post_id": post,
                    "comment_id": comment,
                    "uploaded_by": uploader if uploader in self.state.people else None,
                    "name": filename[:255],
                    "content_type": meta.get("content_type") or None,
                    "size": size,
                    "path": f"files/{relative}",
                    "created_at": iso_utc(parse_timestamp(meta.get("created_at"), self.zone))
                    or iso_utc(created),
                },
            )

    def _memberships(self) -> None:
        """Memberships the export implies: group creators own, authors were members.

        The network export lists no memberships; a person who wrote in a group was a member
        of it then. Nobody else gets access to an imported private group until its owners
        invite them in Rucher. Communities without a creation date are dated here, by their
        first message.
        """
        first: dict[str, datetime] = {}
        for (community, _person), when in self.state.members.items():
            if community not in first or when < first[community]:
                first[community] = when
        for community, record in self.state.pending.items():
            record["created_at"] = iso_utc(first.get(community) or self.writer.started)
            self.writer.write("community", record)
        written: set[tuple[str, str]] = set()
        for (community, person), created in self.state.owners.items():
            if community not in self.state.communities:
                continue
            joined = created or self.state.members.get((community, person)) or self.writer.started
            self._membership(community, person, "owner", joined)
            written.add((community, person))
        for (community, person), when in sorted(self.state.members.items()):
            if (community, person) not in written:
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

    def _name_source(self) -> None:
        """The manifest's stable source name: the network's permalink, or its main domain."""
        if self.explicit_name:
            return
        name = self.source.find("Networks.csv")
        if name is not None:
            columns = CsvColumns(known=frozenset({"id", "name", "permalink"}))
            for _line, row in read_csv(
                self.source, name, columns, self.report, report_unknown=False
            ):
                hint = row.get("permalink") or row.get("id")
                if hint:
                    self.writer.source_name = source_name("yammer", hint)
                    return
        domain = main_domain(self.state.domains)
        if domain:
            self.writer.source_name = source_name("yammer", domain)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned[:150] or "file"
