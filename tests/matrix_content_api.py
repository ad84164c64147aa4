"""The permission matrix rows of the conversations API (rucher.content.api).

Imported by tests/test_permission_matrix.py, whose world holds the conversations of
``cast.build_conversations``: "post:<v>" (by member, with "attachment:<v>", liked by animator,
reported by owner as "report:<v>"), "comment:<v>" (by animator) and "reply:<v>" (by member),
"question:<v>" (by member) with "answer:<v>" (by animator), "poll:<v>", "idea:<v>" (by member),
"event:<v>" and "announcement:<v>" (by animator), for v in open, private, secret; and
"profile_post" (by outsider).

A post nobody lets you read is the same 404 as a missing one; a reader who may not do
something gets a 403 (or the 400 of the service's rule).
"""

from __future__ import annotations

from tests.test_permission_matrix import (
    MANAGERS,
    READS,
    VISIBILITIES,
    Expect,
    Row,
    api,
    in_community,
    url,
)


def on_post(visibility: str, allowed: set[str], ok: int, *, denied: int = 403) -> Expect:
    """Who may act on a post of a community of ``visibility`` gets ``ok``; other readers of
    it get ``denied``; whoever may not read it, the 404 of a missing post."""
    expect = api(404)
    expect.update(dict.fromkeys(READS[visibility], denied))
    expect.update(dict.fromkeys(allowed & READS[visibility], ok))
    return expect


MODERATES_SOMEWHERE = api(403, animator=200, owner=200, admin=200)

ROWS: list[Row] = [
    # Feeds
    Row("api:feed_home", "GET", url("api:feed_home"), api(200)),
    Row("api:feed_new_posts", "GET", url("api:feed_new_posts"), api(200), {"after": 0}),
    Row(
        "api:feed_profile",
        "GET",
        url("api:feed_profile", "outsider"),
        api(200, guest=404, other_guest=404),
        label="an employee in no community",
    ),
    Row("api:feed_hashtag", "GET", url("api:feed_hashtag", "rail"), api(200)),
    Row("api:feed_unanswered", "GET", url("api:feed_unanswered"), api(200)),
    Row("api:mentions_suggest", "GET", url("api:mentions_suggest"), api(200), {"q": "Ma"}),
    # Posts anyone internal may write: a profile post
    Row(
        "api:posts_create",
        "POST",
        url("api:posts_create"),
        api(201, guest=403, other_guest=403),
        {"body": "On my profile"},
        label="profile post",
        json=True,
    ),
    Row(
        "api:posts_get",
        "GET",
        url("api:posts_get", "profile_post"),
        api(200, guest=404, other_guest=404),
        label="profile post",
    ),
    # Uploads: without a file, the refusal of invalid input (the file itself is tested in
    # tests/content/test_api.py and test_attachments.py)
    Row("api:attachments_upload", "POST", url("api:attachments_upload"), api(422), label="no file"),
    # Moderation queues: whoever moderates somewhere, scoped to what they moderate
    Row("api:moderation_queue", "GET", url("api:moderation_queue"), MODERATES_SOMEWHERE),
    Row("api:moderation_hidden", "GET", url("api:moderation_hidden"), MODERATES_SOMEWHERE),
]

for v in VISIBILITIES:
    readers = READS[v]
    ROWS += [
        Row(
            "api:feed_community",
            "GET",
            url("api:feed_community", f"c:{v}"),
            in_community(v, READS[v], 200, base=api),
            label=v,
        ),
        Row(
            "api:posts_get",
            "GET",
            url("api:posts_get", f"post:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:posts_update",
            "PATCH",
            url("api:posts_update", f"post:{v}"),
            on_post(v, {"member"}, 200),
            {"body": "Edited"},
            label=v,
            json=True,
        ),
        Row(
            "api:posts_delete",
            "DELETE",
            url("api:posts_delete", f"post:{v}"),
            on_post(v, {"member"} | MANAGERS, 200),
            {"reason": "Off topic"},
            label=v,
            json=True,
        ),
        Row(
            "api:posts_revisions",
            "GET",
            url("api:posts_revisions", f"post:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        # Comments
        Row(
            "api:comments_list",
            "GET",
            url("api:comments_list", f"post:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:comments_create",
            "POST",
            url("api:comments_create", f"post:{v}"),
            on_post(v, readers, 201),
            {"body": "Me too"},
            label=v,
            json=True,
        ),
        Row(
            "api:comments_update",
            "PATCH",
            url("api:comments_update", f"comment:{v}"),
            on_post(v, {"animator"}, 200),
            {"body": "Edited"},
            label=v,
            json=True,
        ),
        Row(
            "api:comments_delete",
            "DELETE",
            url("api:comments_delete", f"comment:{v}"),
            on_post(v, MANAGERS, 200),
            label=v,
        ),
        # Reactions
        Row(
            "api:post_reaction_set",
            "PUT",
            url("api:post_reaction_set", f"post:{v}"),
            on_post(v, readers, 200),
            {"kind": "thanks"},
            label=v,
            json=True,
        ),
        Row(
            "api:post_reaction_remove",
            "DELETE",
            url("api:post_reaction_remove", f"post:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:post_reactors",
            "GET",
            url("api:post_reactors", f"post:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:comment_reaction_set",
            "PUT",
            url("api:comment_reaction_set", f"comment:{v}"),
            on_post(v, readers, 200),
            {"kind": "insightful"},
            label=v,
            json=True,
        ),
        Row(
            "api:comment_reaction_remove",
            "DELETE",
            url("api:comment_reaction_remove", f"comment:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:comment_reactors",
            "GET",
            url("api:comment_reactors", f"comment:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        # Questions, polls, ideas
        Row(
            "api:questions_accept_answer",
            "PUT",
            url("api:questions_accept_answer", f"question:{v}"),
            on_post(v, {"member"} | MANAGERS, 200),
            {"comment_id": f"ANSWER:{v.upper()}"},
            label=v,
            json=True,
        ),
        Row(
            "api:polls_vote",
            "POST",
            url("api:polls_vote", f"poll:{v}"),
            # Readers may vote: a choice of no poll is their 400.
            on_post(v, readers, 400),
            {"option_ids": [999999999]},
            label=f"{v}, unknown choice",
            json=True,
        ),
        Row(
            "api:polls_close",
            "POST",
            url("api:polls_close", f"poll:{v}"),
            on_post(v, {"member"} | MANAGERS, 200),
            label=v,
        ),
        Row(
            "api:ideas_vote",
            "PUT",
            url("api:ideas_vote", f"idea:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:ideas_unvote",
            "DELETE",
            url("api:ideas_unvote", f"idea:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:ideas_set_status",
            "PUT",
            url("api:ideas_set_status", f"idea:{v}"),
            on_post(v, MANAGERS, 200),
            {"status": "planned", "response": "Soon"},
            label=v,
            json=True,
        ),
        # Events, announcements, pins
        Row(
            "api:events_rsvp",
            "PUT",
            url("api:events_rsvp", f"event:{v}"),
            on_post(v, readers, 200),
            {"answer": "going"},
            label=v,
            json=True,
        ),
        Row(
            "api:events_cancel",
            "POST",
            url("api:events_cancel", f"event:{v}"),
            on_post(v, MANAGERS, 200),
            {},
            label=v,
            json=True,
        ),
        Row(
            "api:events_ics",
            "GET",
            url("api:events_ics", f"event:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        Row(
            "api:posts_pin",
            "PUT",
            url("api:posts_pin", f"post:{v}"),
            on_post(v, MANAGERS, 200),
            label=v,
        ),
        Row(
            "api:posts_unpin",
            "DELETE",
            url("api:posts_unpin", f"announcement:{v}"),
            on_post(v, MANAGERS, 200),
            label=v,
        ),
        Row(
            "api:announcements_confirm_read",
            "PUT",
            url("api:announcements_confirm_read", f"announcement:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        # Files
        Row(
            "api:attachments_get",
            "GET",
            url("api:attachments_get", f"attachment:{v}"),
            on_post(v, readers, 200),
            label=v,
        ),
        # Moderation
        Row(
            "api:reports_create_post",
            "POST",
            url("api:reports_create_post", f"post:{v}"),
            {**on_post(v, readers, 201), "member": 400},  # one's own post
            {"reason": "Spam"},
            label=v,
            json=True,
        ),
        Row(
            "api:reports_create_comment",
            "POST",
            url("api:reports_create_comment", f"comment:{v}"),
            {**on_post(v, readers, 201), "animator": 400},  # one's own comment
            {"reason": "Spam"},
            label=v,
            json=True,
        ),
        Row(
            "api:reports_dismiss",
            "POST",
            url("api:reports_dismiss", f"report:{v}"),
            {**api(404), **dict.fromkeys(MANAGERS, 200)},
            {},
            label=v,
            json=True,
        ),
        Row(
            "api:posts_hide",
            "PUT",
            url("api:posts_hide", f"post:{v}"),
            on_post(v, MANAGERS, 200),
            {"reason": "Rude"},
            label=v,
            json=True,
        ),
        Row(
            "api:posts_restore",
            "DELETE",
            url("api:posts_restore", f"post:{v}"),
            on_post(v, MANAGERS, 200),
            {},
            label=v,
            json=True,
        ),
        Row(
            "api:comments_hide",
            "PUT",
            url("api:comments_hide", f"comment:{v}"),
            on_post(v, MANAGERS, 200),
            {"reason": "Rude"},
            label=v,
            json=True,
        ),
        Row(
            "api:comments_restore",
            "DELETE",
            url("api:comments_restore", f"comment:{v}"),
            on_post(v, MANAGERS, 200),
            {},
            label=v,
            json=True,
        ),
        Row(
            "api:posts_lock_comments",
            "PUT",
            url("api:posts_lock_comments", f"post:{v}"),
            on_post(v, MANAGERS, 200),
            label=v,
        ),
        Row(
            "api:posts_unlock_comments",
            "DELETE",
            url("api:posts_unlock_comments", f"post:{v}"),
            on_post(v, MANAGERS, 200),
            label=v,
        ),
    ]
