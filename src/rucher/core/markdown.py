"""Rendering the Markdown people write into safe HTML, with hashtags and mentions.

What is supported: CommonMark (paragraphs, emphasis, lists, quotes, code, headings, links)
plus tables and ~~strikethrough~~. What is not:

- raw HTML: it is shown as text, never interpreted;
- images: ``![alt](url)`` renders as a link, so that a post cannot load a tracker image;
- links other than http(s), mailto and site-relative ones (``javascript:``, ``data:``... are
  dropped by the parser and again by the sanitiser).

Bare ``http(s)://`` and ``www.`` addresses become links. Links leaving the site get
``rel="nofollow noopener"`` and ``target="_blank"``.

**Hashtags**: ``#word`` (letters, digits, ``_`` and ``-``, at least one letter, not preceded by
a letter, a digit, ``&`` or ``/``) links to ``/tags/<slug>/``. Not inside code or links.

**Mentions** are stored as ``@[Display Name](person:ID)``. The id is what counts: the mention
survives edits of the text around it and renames of the person (the display name in the
source is only the name at the time of writing; the renderer is given the current names and
uses them). The editor (later) turns a picked person into this syntax. A mention the author
may not see, or of an unknown id, renders as plain text ``@Display Name`` and is not
extracted. Mentions are not recognised inside code or inside a link's text.

The whole result then goes through nh3 with an explicit allow-list: the parser is the first
wall, the sanitiser the second.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

MAX_SOURCE_LENGTH = 50_000
MAX_HASHTAG_LENGTH = 64

MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,120})\]\(person:(\d{1,12})\)")
HASHTAG_RE = re.compile(r"(?<![\w&/#])#(\w[\w-]{0,63})")
# Text the renderer's fast path may take: starts with a letter (a digit could open a list),
# ASCII letters, digits and ``,.!?;`` with single spaces between, no trailing space: nothing
# Markdown, no mention, hashtag, HTML character or entity.
_PLAIN_RE = re.compile(r"[A-Za-z](?:[A-Za-z0-9,.!?;]| (?=[A-Za-z0-9,.!?;]))*")
URL_RE = re.compile(
    r"(?<![\w/@.:-])((?:https?://|www\.)[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}*_~])",
    re.IGNORECASE,
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}}
LINK_VALUES = {"rel": {"nofollow noopener"}, "target": {"_blank"}}
ALLOWED_CLASSES = {"a": {"mention", "hashtag"}}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    html: str
    hashtags: list[str] = field(default_factory=list)  # names as written, first use first
    mention_ids: list[int] = field(default_factory=list)  # distinct, in order of appearance


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        name, person_id = match.group(1).strip(), int(match.group(2))
        known: Mapping[int, str] | None = state.env.get("people")
        shown = known.get(person_id) if known is not None else name
        if shown is None or state.linkLevel > 0:
            # Unknown, invisible to the author, or inside a link: plain text, not a mention.
            token = state.push("text", "", 0)
            token.content = f"@{name}"
        else:
            state.env.setdefault("mentions", []).append(person_id)
            token = state.push("link_open", "a", 1)
            token.attrs = {"href": f"/people/{person_id}/", "class": "mention"}
            token.markup = "mention"
            text = state.push("text", "", 0)
            text.content = f"@{shown}"
            close = state.push("link_close", "a", -1)
            close.markup = "mention"
    state.pos = match.end()
    return True


def _link(state: StateCore, href: str, text: str, css: str | None = None) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": href}
    if css:
        opening.attrs["class"] = css
    content = Token("text", "", 0)
    content.content = text
    return [opening, content, Token("link_close", "a", -1)]


def _split_text(state: StateCore, content: str) -> list[Token] | None:
    """Bare URLs and hashtags of one text token as link tokens (None: nothing to do)."""
    found: list[tuple[int, int, list[Token]]] = []
    for match in URL_RE.finditer(content):
        url = match.group(1)
        href = url if "://" in url else f"https://{url}"
        found.append((match.start(1), match.end(1), _link(state, href, url)))
    url_starts = [start for start, _end, _link in found]  # in order, not overlapping
    for match in HASHTAG_RE.finditer(content):
        start = match.start()
        inside = bisect.bisect_right(url_starts, start) - 1
        if inside >= 0 and start < found[inside][1]:
            continue  # the fragment of an address, not a hashtag
        name = match.group(1).rstrip("-_")
        slug = slugify(name, allow_unicode=True)
        if not slug or not any(char.isalpha() for char in name):
            continue
        end = start + 1 + len(name)
        state.env.setdefault("hashtags", []).append(name)
        found.append(
            (start, end, _link(state, iri_to_uri(f"/tags/{slug}/"), f"#{name}", "hashtag"))
        )
    if not found:
        return None
    tokens: list[Token] = []
    position = 0
    for start, end, link in sorted(found, key=lambda item: item[0]):
        if start > position:
            text = Token("text", "", 0)
            text.content = content[position:start]
            tokens.append(text)
        tokens.extend(link)
        position = end
    if position < len(content):
        text = Token("text", "", 0)
        text.content = content[position:]
        tokens.append(text)
    return tokens


def _autolink_rule(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        depth = 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            elif token.type == "text" and depth == 0:
                replaced = _split_text(state, token.content)
                if replaced is not None:
                    children.extend(replaced)
                    continue
            children.append(token)
        block.children = children


def _external_links_rule(state: StateCore) -> None:
    for block in state.tokens:
        for token in block.children or []:
            if token.type == "link_open":
                href = str(token.attrs.get("href", ""))
                if not href.startswith("/"):
                    token.attrs["rel"] = "nofollow noopener"
                    token.attrs["target"] = "_blank"


def _allowed_link(url: str) -> bool:
    """Site-relative, http(s) or mailto; anything else stays text (``javascript:``...)."""
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        return True
    return re.match(r"(?i)(https?://|mailto:)", url) is not None


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _allowed_link  # type: ignore[method-assign]
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.inline.ruler.before("link", "mention", _mention_rule)
    md.core.ruler.push("rucher_autolink", _autolink_rule)
    md.core.ruler.push("rucher_external_links", _external_links_rule)
    return md


_MD = _parser()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "code" and attribute == "class":
        return value if re.fullmatch(r"language-[\w+#-]{1,30}", value) else None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values={"a": LINK_VALUES},
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def render(source: str, *, people: Mapping[int, str] | None = None) -> Rendered:
    """Safe HTML for ``source`` and the hashtags and mentions it holds.

    ``people`` maps the ids the author may mention to their current display names; when
    given, other ids render as plain text. When omitted every well-formed mention links.
    """
    if (
        len(source) <= MAX_SOURCE_LENGTH
        and _PLAIN_RE.fullmatch(source)
        and URL_RE.search(source) is None
    ):
        # Plain words and punctuation that Markdown leaves alone (no block or inline syntax,
        # no mention, hashtag, link or character to escape): one paragraph, as the parser
        # and the sanitiser would make it (tests/content/test_markdown.py checks identity).
        return Rendered(html=f"<p>{source}</p>\n", hashtags=[], mention_ids=[])
    env: dict[str, Any] = {"people": people}
    html = _MD.render(source[:MAX_SOURCE_LENGTH], env)
    hashtags: dict[str, str] = {}
    for name in env.get("hashtags", []):
        if len(name) <= MAX_HASHTAG_LENGTH:
            hashtags.setdefault(slugify(name, allow_unicode=True), name)
    return Rendered(
        html=sanitise(html),
        hashtags=list(hashtags.values()),
        mention_ids=list(dict.fromkeys(env.get("mentions", []))),
    )


def mentioned_ids(source: str) -> list[int]:
    """Ids written as mentions in ``source``, outside code (distinct, in order)."""
    return render(source).mention_ids


def mention(person_id: int, name: str) -> str:
    """The stored syntax for a mention of this person (brackets removed from the name)."""
    clean = " ".join(re.sub(r"[\[\]()\n]", " ", name).split())[:120] or "?"
    return f"@[{clean}](person:{person_id})"


Renderer = Callable[[str], Rendered]
