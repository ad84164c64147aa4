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

# A mention or a hashtag (ASCII, complete: not followed by more of a hashtag's characters).
_TOKEN_RE = re.compile(
    r"@\[(?:[^\W_]|[ .'-]){1,120}\]\(person:(?P<id>\d{1,12})\)"
    r"|#(?P<tag>[A-Za-z][A-Za-z0-9]{0,62})(?![\w-])"
)
# Inert text: letters, digits, punctuation that Markdown does not read in the middle of a
# line, and spaces. One character class, fast to match; what it lets through that is not
# inert (``_``, two spaces in a row, a space at the end) is refused beforehand, for the whole
# text. Matched from a position, it stops at the next mention or hashtag when the text before
# is inert, earlier when it is not.
_INERT_RE = re.compile(r"[\w ,.!?;:'\"()-]*")
_FIRST_RE = re.compile(r"[^\W\d_]|@")  # a digit or a sign first could open a list or a block


def _escape(text: str) -> str:
    # What nh3 writes for text: ``&``, ``<`` and ``>`` escaped, quotes left as they are.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_simple(source: str, people: Mapping[int, str]) -> Rendered | None:
    """The full renderer's result for ``source``, or None when it is not simple text."""
    if (
        not source
        or "_" in source
        or "  " in source
        or source[-1] == " "
        or _FIRST_RE.match(source) is None
        or URL_RE.search(source) is not None
    ):
        return None
    if "@" not in source and "#" not in source:
        # Most messages: the inert characters need no escaping, the text is its own HTML.
        if _INERT_RE.fullmatch(source) is None:
            return None
        return Rendered(html=f"<p>{source}</p>\n", hashtags=[], mention_ids=[])
    html = ["<p>"]
    hashtags: dict[str, str] = {}
    mentions: dict[int, None] = {}
    position = 0
    for token in _TOKEN_RE.finditer(source):
        start = token.start()
        # The text before must be inert up to the token, which a space or the start precedes.
        if _INERT_RE.match(source, position).end() != start:  # type: ignore[union-attr]
            return None
        if start and source[start - 1] != " ":
            return None
        html.append(source[position:start])
        name = token.group("tag")
        if name is None:
            person_id = int(token.group("id"))
            shown = people.get(person_id)
            if shown is None or not shown.isprintable():
                return None
            mentions[person_id] = None
            html.append(f'<a href="/people/{person_id}/" class="mention">@{_escape(shown)}</a>')
        else:
            slug = name.lower()
            hashtags.setdefault(slug, name)
            html.append(f'<a href="/tags/{slug}/" class="hashtag">#{name}</a>')
        position = token.end()
    if _INERT_RE.match(source, position).end() != len(source):  # type: ignore[union-attr]
        return None
    html.append(source[position:])
    html.append("</p>\n")
    return Rendered(html="".join(html), hashtags=list(hashtags.values()), mention_ids=[*mentions])
