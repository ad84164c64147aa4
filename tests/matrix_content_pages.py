"""Permission-matrix rows of the conversation pages (imported by tests/test_permission_matrix).

World keys (tests/cast.build_conversations): "post:<v>" (by member, mentions animator),
"comment:<v>" (by animator), "question:<v>" and "answer:<v>" (by member / animator),
"poll:<v>", "idea:<v>" (by member), "event:<v>", "announcement:<v>" (by animator),
"attachment:<v>" (member's, on the post), "report:<v>" (by owner, on the post), and
"profile_post" (by outsider), for v in open, private, secret.

Rules the rows spell out: who cannot read a post gets the same 404 as for a missing one;
who reads it but may not do the thing gets 403; successful writes redirect back (302).
"""

from __future__ import annotations

from tests.test_permission_matrix import (
    LOGGED_IN,
    MANAGERS,
    READS,
    VISIBILITIES,
    Expect,
    Row,
    in_community,
    page,
    url,
)


def readers(visibility: str, ok: int, **overrides: int) -> Expect:
    """Who reads the community's posts gets ``ok``, anybody else the 404 of a missing post."""
    expect = in_community(visibility, READS[visibility], ok, denied=404)
    expect.update(overrides)
    return expect


def some_readers(visibility: str, allowed: set[str], ok: int) -> Expect:
    """Readers in ``allowed`` get ``ok``, other readers 403, non-readers 404."""
    expect = readers(visibility, 403)
    expect.update(dict.fromkeys(allowed & READS[visibility] & LOGGED_IN, ok))
    return expect


ROWS: list[Row] = [
    Row("content:home_feed", "GET", url("content:home_feed"), page(200)),
    Row("content:new_posts", "GET", url("content:new_posts"), page(200), {"feed": "home"}),
    Row("content:unanswered", "GET", url("content:unanswered"), page(200)),
    Row("content:hashtag", "GET", url("content:hashtag", "rail"), page(200)),
    Row(
        "content:profile_feed",
        "GET",
        url("content:profile_feed", "outsider"),
        page(200, guest=404, other_guest=404),
        label="an employee's posts",
    ),
    Row(
        "content:post_create",
        "POST",
        url("content:post_create"),
        page(302, guest=403, other_guest=403),
        {"body": "On my profile", "type": "discussion"},
        label="a profile post",
    ),
    Row(
        "content:mention_suggestions",
        "GET",
        url("content:mention_suggestions"),
        page(200),
        {"q": "Ma"},
    ),
    Row("content:mention_check", "POST", url("content:mention_check"), page(200), {"body": "Hi"}),
    Row(
        "content:attachment_upload",
        "POST",
        url("content:attachment_upload"),
        page(400),
        label="no file",
    ),
    Row(
        "content:moderation",
        "GET",
        url("content:moderation"),
        page(403, **dict.fromkeys(MANAGERS, 200)),
    ),
    Row(
        "content:post",
        "GET",
        url("content:post", "profile_post"),
        page(200, guest=404, other_guest=404),
        label="a profile post",
    ),
    Row("content:post", "GET", url("content:post", 999999), page(404), label="no such post"),
]

for v in VISIBILITIES:
    ROWS += [
        Row(
            "content:community_feed",
            "GET",
            url("content:community_feed", f"s:{v}"),
            in_community(v, READS[v], 200),
            label=v,
        ),
        Row(
            "content:community_unanswered",
            "GET",
            url("content:community_unanswered", f"s:{v}"),
            in_community(v, READS[v], 200),
            label=v,
        ),
        Row(
            "content:moderation_queue",
            "GET",
            url("content:moderation_queue", f"s:{v}"),
            in_community(v, MANAGERS, 200),
            label=v,
        ),
        Row("content:post", "GET", url("content:post", f"post:{v}"), readers(v, 200), label=v),
        Row(
            "content:post_history",
            "GET",
            url("content:post_history", f"post:{v}"),
            readers(v, 200),
            label=v,
        ),
        Row(
            "content:post_edit",
            "GET",
            url("content:post_edit", f"post:{v}"),
            some_readers(v, {"member"}, 200),
            label=f"{v}, the member's post",
        ),
        Row(
            "content:post_edit",
            "GET",
            url("content:post_edit", f"event:{v}"),
            some_readers(v, {"animator"}, 200),
            label=f"{v}, the animator's event (time and place too)",
        ),
        Row(
            "content:post_delete",
            "GET",
            url("content:post_delete", f"post:{v}"),
            some_readers(v, {"member"} | MANAGERS, 200),
            label=f"{v}, the member's post",
        ),
        Row(
            "content:react",
            "POST",
            url("content:react", f"post:{v}"),
            readers(v, 302),
            {"kind": "thanks"},
            label=v,
        ),
        Row(
            "content:reactors",
            "GET",
            url("content:reactors", f"post:{v}"),
            readers(v, 200),
            label=v,
        ),
        Row(
            "content:comment_create",
            "POST",
            url("content:comment_create", f"post:{v}"),
            readers(v, 302),
            {"body": "Me too"},
            label=v,
        ),
        Row(
            "content:comment_edit",
            "GET",
            url("content:comment_edit", f"comment:{v}"),
            some_readers(v, {"animator"}, 200),
            label=f"{v}, the animator's comment",
        ),
        Row(
            "content:comment_delete",
            "POST",
            url("content:comment_delete", f"comment:{v}"),
            some_readers(v, {"animator"} | MANAGERS, 302),
            label=f"{v}, the animator's comment",
        ),
        Row(
            "content:accept_answer",
            "POST",
            url("content:accept_answer", f"question:{v}"),
            some_readers(v, {"member"} | MANAGERS, 302),
            {"comment": f"ANSWER:{v.upper()}"},
            label=f"{v}, the member's question",
        ),
        Row(
            "content:poll_vote",
            "POST",
            url("content:poll_vote", f"poll:{v}"),
            readers(v, 400),
            label=f"{v}, no choice",
        ),
        Row(
            "content:poll_close",
            "POST",
            url("content:poll_close", f"poll:{v}"),
            some_readers(v, {"member"} | MANAGERS, 302),
            label=f"{v}, the member's poll",
        ),
        Row(
            "content:idea_vote",
            "POST",
            url("content:idea_vote", f"idea:{v}"),
            readers(v, 302),
            label=v,
        ),
        Row(
            "content:idea_status",
            "POST",
            url("content:idea_status", f"idea:{v}"),
            some_readers(v, MANAGERS, 302),
            {"status": "planned", "response": "Soon"},
            label=v,
        ),
        Row(
            "content:event_rsvp",
            "POST",
            url("content:event_rsvp", f"event:{v}"),
            readers(v, 302),
            {"answer": "going"},
            label=v,
        ),
        Row(
            "content:event_cancel",
            "POST",
            url("content:event_cancel", f"event:{v}"),
            some_readers(v, {"animator"} | MANAGERS, 302),
            label=f"{v}, the animator's event",
        ),
        Row(
            "content:post_ics",
            "GET",
            url("content:post_ics", f"event:{v}"),
            readers(v, 200),
            label=v,
        ),
        Row(
            "content:confirm_read",
            "POST",
            url("content:confirm_read", f"announcement:{v}"),
            readers(v, 302),
            label=v,
        ),
        Row(
            "content:pin",
            "POST",
            url("content:pin", f"post:{v}"),
            some_readers(v, MANAGERS, 302),
            {"pin": "1"},
            label=v,
        ),
        Row(
            "content:report",
            "GET",
            url("content:report", f"post:{v}"),
            readers(v, 200),
            label=v,
        ),
        Row(
            "content:moderate",
            "POST",
            url("content:moderate", f"post:{v}"),
            some_readers(v, MANAGERS, 302),
            {"action": "lock"},
            label=f"{v}, lock comments",
        ),
        Row(
            "content:report_dismiss",
            "POST",
            url("content:report_dismiss", f"report:{v}"),
            in_community(v, MANAGERS, 302, denied=404),
            label=v,
        ),
        Row(
            "content:attachment",
            "GET",
            url("content:attachment", f"attachment:{v}"),
            readers(v, 200),
            label=v,
        ),
        Row(
            "content:attachment_thumbnail",
            "GET",
            url("content:attachment_thumbnail", f"attachment:{v}"),
            readers(v, 200),
            label=v,
        ),
    ]
