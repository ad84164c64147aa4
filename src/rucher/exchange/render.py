"""A fast path for rendering imported text, for the common case of plain sentences with
hashtags and mentions.

``core.markdown.render`` parses with markdown-it and sanitises with nh3: about half a
millisecond for a short message with one hashtag and one mention, which made the rendering
of posts and comments the largest cost of an import. Most history is such text: words and
punctuation that Markdown leaves alone, ``#word`` hashtags and ``@[Name](person:ID)``
mentions. For that text the HTML is written here directly, exactly as the full renderer would
write it (``tests/exchange/test_render.py`` compares both on generated and hand-picked
texts); anything else — a character Markdown may read, a URL, an unknown person, a hashtag
that is not plain ASCII — returns None and takes the full renderer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rucher.core.markdown import URL_RE, Rendered

# One piece of a line: a mention, a hashtag (ASCII, complete: not followed by more of a
# hashtag's characters), a run of inert characters (letters, digits and punctuation that
# Markdown does not read in the middle of a line), or a single space.
_PIECE_RE = re.compile(
    r"(?P<mention>@\[(?:[^\W_]|[ .'-]){1,120}\]\(person:(?P<id>\d{1,12})\))"
    r"|#(?P<tag>[A-Za-z][A-Za-z0-9]{0,62})(?![\w-])"
    r"|(?P<word>(?:[^\W_]|[,.!?;:'\"()-])+)"
    r"| (?! |$)"
)
_FIRST_RE = re.compile(r"[^\W\d_]|@")  # a digit or a sign first could open a list or a block


def _escape(text: str) -> str:
    # What nh3 writes for text: ``&``, ``<`` and ``>`` escaped, quotes left as they are.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_simple(source: str, people: Mapping[int, str]) -> Rendered | None:
    """The full renderer's result for ``source``, or None when it is not simple text."""
    if not source or _FIRST_RE.match(source) is None or URL_RE.search(source) is not None:
        return None
    html = ["<p>"]
    hashtags: dict[str, str] = {}
    mentions: dict[int, None] = {}
    position, end = 0, len(source)
    previous = " "
    while position < end:
        match = _PIECE_RE.match(source, position)
        if match is None:
            return None
        kind = match.lastgroup
        if kind == "mention":
            if previous != " ":
                return None
            person_id = int(match.group("id"))
            shown = people.get(person_id)
            if shown is None or not shown.isprintable():
                return None
            mentions[person_id] = None
            html.append(f'<a href="/people/{person_id}/" class="mention">@{_escape(shown)}</a>')
        elif kind == "tag":
            if previous != " ":
                return None
            name = match.group("tag")
            slug = name.lower()
            hashtags.setdefault(slug, name)
            html.append(f'<a href="/tags/{slug}/" class="hashtag">#{name}</a>')
        elif kind == "word":
            html.append(_escape(match.group()))
        else:
            html.append(" ")
        position = match.end()
        previous = source[position - 1]
    html.append("</p>\n")
    return Rendered(html="".join(html), hashtags=list(hashtags.values()), mention_ids=[*mentions])
