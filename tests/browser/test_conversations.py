"""Conversations in a real browser: Marie asks a question mentioning Antoine (picked from the
@ suggestions) with a hashtag; Antoine sees the notification, answers; Marie accepts the
answer. Then the conversation pages on a phone.

Set RUCHER_SHOTS=/some/dir to keep screenshots of the main pages (desktop and phone).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from rucher.content import services
from tests.browser.test_communities import (
    assert_no_page_problems,
    assert_no_sideways_scroll,
    expect,
    log_in,
)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("RUCHER_SHOTS", "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret injects a style element the CSP refuses.
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, caret="initial")


def test_ask_with_a_mention_get_an_answer_and_accept_it(
    browser_page_factory, snap, communities, member, animator
):
    # Marie asks a question in the open community, mentioning Antoine, with a hashtag.
    page = browser_page_factory()
    log_in(page, member.email)
    page.goto("/communities/open-circle/")
    composer = page.get_by_test_id("composer")
    expect(composer).to_be_visible()
    composer.locator("label[for=type-question]").click()
    composer.get_by_label("Title").fill("Who knows the line 4 interlocking?")
    body = composer.locator("textarea[name=body]")
    body.click()
    body.press_sequentially("Hello @Anto", delay=20)
    option = composer.locator("[data-mention-id]").first
    expect(option).to_contain_text(animator.display_name)
    option.dispatch_event("mousedown")
    expect(body).to_have_value(
        re.compile(rf"@\[{animator.display_name}\]\(person:{animator.pk}\) ")
    )
    body.press_sequentially("can you help? #signalling", delay=5)
    snap(page, "composer")
    shot(page, "composer-desktop")
    composer.get_by_test_id("publish").click()
    feed = page.get_by_test_id("feed")
    expect(feed).to_contain_text("Who knows the line 4 interlocking?")
    expect(feed.locator("a.mention")).to_contain_text(animator.display_name)
    expect(feed.locator("a.hashtag").first).to_have_attribute("href", "/tags/signalling/")
    shot(page, "community-feed-desktop")

    # Antoine sees the notification, opens the post and answers.
    helper = browser_page_factory()
    log_in(helper, animator.email)
    bell = helper.get_by_test_id("notification-bell")
    expect(bell.locator(".badge")).to_be_visible()
    bell.click()
    helper.get_by_role("link", name=re.compile("mentioned you")).first.click()
    expect(helper.get_by_role("heading", name="Who knows the line 4 interlocking?")).to_be_visible()
    answer = helper.locator("#comment-body-top")
    answer.fill("Yes: the relay room key is at the Lyon depot.")
    helper.get_by_test_id("comment-submit").click()
    expect(helper.get_by_test_id("comments")).to_contain_text("the relay room key")

    # Marie accepts the answer.
    page.goto(helper.url.split("#")[0])
    comments = page.get_by_test_id("comments")
    expect(comments).to_contain_text("the relay room key")
    comments.get_by_role("button", name="Accept this answer").click()
    expect(page.get_by_test_id("accepted")).to_be_visible()
    expect(page.get_by_test_id("post").get_by_text("Answered", exact=True)).to_be_visible()
    snap(page, "accepted")
    shot(page, "post-question-desktop")

    # The hashtag feed lists it.
    page.goto("/tags/signalling/")
    expect(page.get_by_test_id("feed")).to_contain_text("Who knows the line 4 interlocking?")
    for each in (page, helper):
        assert_no_page_problems(each)


def test_a_draft_survives_a_reload(browser_page_factory, communities, member):
    page = browser_page_factory()
    log_in(page, member.email)
    page.goto("/communities/open-circle/")
    body = page.get_by_test_id("composer").locator("textarea[name=body]")
    body.fill("Half-written thought about the depot")
    page.wait_for_timeout(700)
    page.reload()
    expect(page.get_by_test_id("composer").locator("textarea[name=body]")).to_have_value(
        "Half-written thought about the depot"
    )
    assert_no_page_problems(page)


def test_conversation_pages_fit_a_phone(browser_page_factory, communities, member, animator):
    open_id = communities["open"].pk
    post = services.post_create(
        actor=member, community_id=open_id, title="Lunch?", type="poll", body="Choose #food",
        poll=services.PollSpec(options=["Pizza", "Salad"]),
    )  # fmt: skip
    services.comment_create(actor=animator, post_id=post.pk, body="Salad, surely.")
    services.post_create(actor=animator, community_id=open_id, body="Welcome all! #news")
    for viewport, suffix in ((None, "desktop"), (PHONE, "phone")):
        page = browser_page_factory(viewport=viewport)
        log_in(page, member.email)
        for path, name in (
            ("/", "home"),
            ("/feed/", "feed"),
            ("/communities/open-circle/", "community"),
            (f"/posts/{post.pk}/", "poll"),
            ("/tags/food/", "hashtag"),
            ("/questions/", "unanswered"),
        ):
            page.goto(path)
            expect(page.locator("main h1").first).to_be_visible()
            if suffix == "phone":
                assert_no_sideways_scroll(page)
            shot(page, f"{name}-{suffix}")
        assert_no_page_problems(page)
