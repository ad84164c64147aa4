"""Turning the bodies of foreign exports into the Markdown Rucher stores.

``html_to_markdown`` keeps what carries meaning in a conversation — paragraphs, line breaks,
links (http, https and mailto only), lists, bold and italics — and drops every other tag,
keeping its text. Script and style elements are dropped whole. The result is plain Markdown,
which Rucher's renderer sanitises again when it shows it.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_BLOCKS = {"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr"}


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.links: list[str | None] = []
        self.link_text: list[list[str]] = []
        self.skip = 0

    def _emit(self, text: str) -> None:
        if self.link_text:
            self.link_text[-1].append(text)
        else:
            self.out.append(text)

    def _newlines(self, count: int) -> None:
        if self.link_text:
            self.link_text[-1].append(" ")
            return
        joined = "".join(self.out)
        trailing = len(joined) - len(joined.rstrip("\n"))
        if joined and trailing < count:
            self.out.append("\n" * (count - trailing))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.skip += 1
        elif self.skip:
            return
        elif tag in _BLOCKS:
            self._newlines(2)
        elif tag == "br":
            self._emit("  \n" if not self.link_text else " ")
        elif tag in {"ul", "ol"}:
            self._newlines(1 if self.lists else 2)
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self._newlines(1)
            indent = "  " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self._emit(f"{indent}{self.lists[-1][1]}. ")
            else:
                self._emit(f"{indent}- ")
        elif tag in {"strong", "b"}:
            self._emit("**")
        elif tag in {"em", "i"}:
            self._emit("*")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            href = href.strip()
            self.links.append(href if href.lower().startswith(_SAFE_SCHEMES) else None)
            self.link_text.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.skip = max(self.skip - 1, 0)
        elif self.skip:
            return
        elif tag in _BLOCKS:
            self._newlines(2)
        elif tag in {"ul", "ol"}:
            if self.lists:
                self.lists.pop()
            self._newlines(2 if not self.lists else 1)
        elif tag in {"strong", "b"}:
            self._emit("**")
        elif tag in {"em", "i"}:
            self._emit("*")
        elif tag == "a" and self.link_text:
            text = " ".join("".join(self.link_text.pop()).split())
            href = self.links.pop()
            if href and text and text != href:
                self._emit(f"[{_escape_brackets(text)}]({href.replace(')', '%29')})")
            elif href:
                self._emit(href)
            else:
                self._emit(text)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        data = re.sub(r"[ \t\r\n]+", " ", data)
        joined_tail = "".join(self.out[-1:]) if not self.link_text else ""
        if joined_tail.endswith("\n") or (not joined_tail and not self.link_text):
            data = data.lstrip(" ")
        if data:
            self._emit(data)


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def html_to_markdown(html: str) -> str:
    converter = _Converter()
    converter.feed(html)
    converter.close()
    while converter.link_text:  # an unclosed <a>: keep its text
        converter.out.extend(converter.link_text.pop())
    text = "".join(converter.out)
    lines = [line.rstrip(" ") if not line.endswith("  ") else line for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def body_to_markdown(body: str) -> str:
    """HTML bodies are converted; plain text is kept as is (entities decoded)."""
    if looks_like_html(body):
        return html_to_markdown(body)
    return unescape(body).strip() if "&" in body else body.strip()


def hashtag_name(name: str) -> str:
    """A topic name as a Rucher hashtag: letters, digits, ``_`` and ``-``, at most 64."""
    words = re.findall(r"[\w-]+", name)
    if len(words) > 1:
        words = [w[:1].upper() + w[1:] for w in words]
    return "".join(words)[:64]


def fix_mojibake(text: str) -> str:
    """Undo Meta's DYI JSON encoding fault (UTF-8 bytes written as Latin-1 code points).

    Applied only when every character fits in one byte and the bytes decode as UTF-8 into
    something different: text that is already right is returned unchanged.
    """
    if not text or text.isascii():
        return text
    try:
        fixed = text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed
