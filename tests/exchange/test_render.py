"""The import's fast rendering writes exactly what the full Markdown renderer writes."""

from __future__ import annotations

import random

import pytest

from rucher.core import markdown
from rucher.exchange.render import render_simple

PEOPLE = {3: "Zoé Martin", 7: 'A & <b> "Q" O\'Hara', 12: "Jean-Luc N."}

SIMPLE = [
    "Post number 4 about the #topic4 with @[Person 3](person:3)",
    "@[Zoé](person:3) hello, see #Roadmap2024 and #ops.",
    "Hi @[X](person:7), thanks! #done",
    "Merci à tous: l'équipe (Lyon) a fini. #bravo",
    "A sentence with \"quotes\" and 'single' ones; ok?",
    "Ask @[Jean-Luc N.](person:12) or @[Zoé](person:3)!",
    "Twice #tag and #Tag again",
    "Number 1. is fine here - really",
    "Plain words only, nothing else.",
    "@[Zoé](person:3)! glued after a mention is fine",
]
NOT_SIMPLE = [
    "",
    "1. a list",
    "- a list",
    "# heading",
    "see https://example.org now",
    "see www.example.org now",
    "some *emphasis* here",
    "snake_case word",
    "a `code` span",
    "line one\nline two",
    "trailing space ",
    "double  space",
    "x #é-tag",
    "unknown @[Nobody](person:99)",
    "glued@[X](person:3)",
    "glued#tag",
    "a <b>tag</b>",
    "a & b",
    "a | b",
    "#start",
    "x #a#b",
    "see @[Zoé](person:3)  twice",
    "ends with a mention @[Zoé](person:3) ",
]


@pytest.mark.parametrize("text", SIMPLE)
def test_simple_text_renders_as_the_full_renderer(text):
    fast = render_simple(text, PEOPLE)
    assert fast is not None
    assert fast == markdown.render(text, people=PEOPLE)


@pytest.mark.parametrize("text", NOT_SIMPLE)
def test_other_text_is_left_to_the_full_renderer(text):
    assert render_simple(text, PEOPLE) is None


def test_generated_texts_agree_with_the_full_renderer():
    simple = [
        "word", "Été", "l'eau", "(aside)", "end.", "what?", "yes!", "a;b", "x:y", "\"q\"",
        "-", "--", "1.", "2)", "#tag", "#Tag2", "#x", "@[P](person:3)", "@[Q](person:7)",
        "@[R](person:12)",
    ]  # fmt: skip
    other = [
        "#a-b", "#é", "@[S](person:99)", "*", "_", "`", "<", "&", "www.x.org", "http://x.org",
        "[link](/x)", "!", "#", "@", "=", "+", ">", "~", "#1", "a_b",
    ]  # fmt: skip
    chance = random.Random(7)
    taken = 0
    for _ in range(3000):
        words = [
            chance.choice(simple if chance.random() < 0.9 else other)
            for _ in range(chance.randint(1, 7))
        ]
        separators = [chance.choice([" ", " ", " ", " ", "", "  "]) for _ in words]
        text = "".join(w + s for w, s in zip(words, separators, strict=True)).rstrip()
        fast = render_simple(text, PEOPLE)
        if fast is not None:
            taken += 1
            assert fast == markdown.render(text, people=PEOPLE), text
    assert taken > 600, taken  # the fast path is actually exercised
