"""Conversation pages, included at the site's root: hashtag links written by the Markdown
renderer point at /tags/<slug>/, and a community's or a person's feed sits under their own
address (/communities/<slug>/posts/, /people/<id>/posts/), after those apps' own patterns."""

from django.urls import path

from rucher.content import views, views_moderation, views_post

app_name = "content"
urlpatterns = [
    # Feeds
    path("feed/", views.home_feed, name="home_feed"),
    path("feed/new/", views.new_posts, name="new_posts"),
    path("questions/", views.unanswered, name="unanswered"),
    path("tags/<str:slug>/", views.hashtag, name="hashtag"),
    path("communities/<str:slug>/posts/", views.community_feed, name="community_feed"),
    path(
        "communities/<str:slug>/questions/",
        views.community_unanswered,
        name="community_unanswered",
    ),
    path("people/<int:person_id>/posts/", views.profile_feed, name="profile_feed"),
    # Writing
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/mentions/", views.mention_suggestions, name="mention_suggestions"),
    path("posts/mentions/check/", views.mention_check, name="mention_check"),
    path("attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path(
        "attachments/<int:attachment_id>/thumbnail/",
        views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    # A post and what one does to it
    path("posts/<int:post_id>/", views_post.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views_post.post_edit, name="post_edit"),
    path("posts/<int:post_id>/history/", views_post.post_history, name="post_history"),
    path("posts/<int:post_id>/delete/", views_post.post_delete, name="post_delete"),
    path("posts/<int:post_id>/react/", views_post.react, name="react"),
    path("posts/<int:post_id>/reactions/", views_post.reactors, name="reactors"),
    path("posts/<int:post_id>/comments/", views_post.comment_create, name="comment_create"),
    path("posts/<int:post_id>/accept/", views_post.accept_answer, name="accept_answer"),
    path("posts/<int:post_id>/vote/", views_post.poll_vote, name="poll_vote"),
    path("posts/<int:post_id>/close/", views_post.poll_close, name="poll_close"),
    path("posts/<int:post_id>/idea-vote/", views_post.idea_vote, name="idea_vote"),
    path("posts/<int:post_id>/idea-status/", views_post.idea_status, name="idea_status"),
    path("posts/<int:post_id>/rsvp/", views_post.event_rsvp, name="event_rsvp"),
    path("posts/<int:post_id>/cancel/", views_post.event_cancel, name="event_cancel"),
    path("posts/<int:post_id>/event.ics", views_post.post_ics, name="post_ics"),
    path("posts/<int:post_id>/read/", views_post.confirm_read, name="confirm_read"),
    path("posts/<int:post_id>/pin/", views_post.pin, name="pin"),
    path("posts/<int:post_id>/report/", views_post.report, name="report"),
    path("posts/<int:post_id>/moderate/", views_post.moderate, name="moderate"),
    path("comments/<int:comment_id>/edit/", views_post.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views_post.comment_delete, name="comment_delete"),
    # Moderation
    path("moderation/", views_moderation.queue, name="moderation"),
    path(
        "communities/<str:slug>/moderation/",
        views_moderation.queue,
        name="moderation_queue",
    ),
    path(
        "moderation/reports/<int:report_id>/dismiss/",
        views_moderation.report_dismiss,
        name="report_dismiss",
    ),
]
