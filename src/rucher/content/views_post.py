"""A post's page and everything done to it: comments and replies, reactions, accepted
answers, votes, RSVPs, read confirmations, pinning, edits with their history, deletion,
reports and moderation.

Every action is a POST that redirects back to the post (post/redirect/get). A refused one
re-renders the post's page with the message beside the form and what was typed, with status
400 (refused input), 403 (may read but not do this) or 404 (the same for missing and secret).
With htmx, forms swap only their block of the page (``hx-select``): the redirect is followed
and the block taken from the fresh page, so the page and its partial never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.accounts.models import User
from rucher.content import ics as ics_module
from rucher.content import moderation, policy, selectors, services
from rucher.content.forms import (
    COMMON_TIME_ZONES,
    CommentEditForm,
    CommentForm,
    EditForm,
    IdeaStatusForm,
    ReasonForm,
)
from rucher.content.models import Comment, Post, PostRevision, RsvpAnswer
from rucher.content.models import Event as PostEvent
from rucher.content.views import int_or_none, is_htmx, pending_attachments, reaction_kinds
from rucher.core.errors import Forbidden, Invalid, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user


def error_status(error: RucherError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    return 400


def _post_or_404(viewer: User, post_id: int) -> Post:
    try:
        return policy.access_post(user=viewer, post_id=post_id)
    except NotFound:
        raise Http404 from None


def _comment_or_404(viewer: User, comment_id: int) -> Comment:
    try:
        return policy.access_comment(user=viewer, comment_id=comment_id)
    except NotFound:
        raise Http404 from None


def post_url(post_id: int, anchor: str = "") -> str:
    return reverse("content:post", args=[post_id]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------- the page


def post_context(request: HttpRequest, viewer: User, post_id: int, **extra: Any) -> dict[str, Any]:
    try:
        view = selectors.post_detail(viewer=viewer, post_id=post_id)
    except NotFound:
        raise Http404 from None
    post = view.post
    community = post.community
    can_comment = policy.can_comment(viewer, post)
    context: dict[str, Any] = {
        "view": view,
        "entry": view.entry,
        "post": post,
        "community": community,
        "reaction_kinds": reaction_kinds(),
        "rsvp_choices": RsvpAnswer.choices,
        "is_author": post.author_id == viewer.pk,
        "can": {
            "edit": policy.can_edit(viewer, post),
            "delete": policy.can_delete(viewer, post),
            "comment": can_comment,
            "react": policy.can_react(viewer, post),
            "accept": policy.can_accept_answer(viewer, post),
            "pin": policy.can_pin(viewer, post),
            "run": policy.can_run(viewer, post),
            "idea_status": policy.can_set_idea_status(viewer, post),
            "moderate": view.moderates,
        },
        "comment_form": CommentForm(auto_id="comment-%s"),
        "reply_form": None,
        "reply_parent": None,
        "idea_form": IdeaStatusForm(
            auto_id="idea-%s",
            initial={
                "status": view.entry.idea.status if view.entry.idea else "new",
            },
        ),
        "comment_attachments": [],
        "error": "",
        "draft_prefix": f"rucher-draft:{viewer.pk}",
    }
    context.update(extra)
    return context


def render_post(
    request: HttpRequest, viewer: User, post_id: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request, "content/post.html", post_context(request, viewer, post_id, **extra), status=status
    )


@login_required
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    return render_post(request, request_user(request), post_id)


def _act(
    request: HttpRequest,
    post_id: int,
    action: Callable[[User], Any],
    *,
    success: str = "",
    anchor: str = "",
) -> HttpResponse:
    """Run a write; redirect back to the post, or show the post with the refusal."""
    viewer = request_user(request)
    try:
        action(viewer)
    except NotFound:
        raise Http404 from None
    except RucherError as error:
        return render_post(
            request, viewer, post_id, error=error.message, status=error_status(error)
        )
    if success and not is_htmx(request):
        messages.success(request, success)
    return redirect(post_url(post_id, anchor))


# ---------------------------------------------------------------- reactions


@login_required
@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Toggle a reaction: the same kind again removes it, another kind replaces it."""
    viewer = request_user(request)
    kind = request.POST.get("kind", "")
    comment_id = int_or_none(request.POST.get("comment"))
    try:
        view = selectors.post_detail(viewer=viewer, post_id=post_id)
        mine = _my_reaction(view, comment_id)
        if mine == kind:
            services.reaction_remove(actor=viewer, post_id=post_id, comment_id=comment_id)
        else:
            services.reaction_set(actor=viewer, post_id=post_id, kind=kind, comment_id=comment_id)
    except NotFound:
        raise Http404 from None
    except RucherError as error:
        if is_htmx(request):
            message = _escape(error.message)
            return HttpResponse(
                f'<p class="alert alert-danger small py-1" role="alert">{message}</p>',
                status=error_status(error),
            )
        return render_post(
            request, viewer, post_id, error=error.message, status=error_status(error)
        )
    if is_htmx(request):
        view = selectors.post_detail(viewer=viewer, post_id=post_id)
        counts, mine = _reaction_state(view, comment_id)
        return render(
            request,
            "content/_reactions.html",
            {
                "post_id": post_id,
                "comment_id": comment_id,
                "counts": counts,
                "mine": mine,
                "reaction_kinds": reaction_kinds(),
            },
        )
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(post_url(post_id, f"comment-{comment_id}" if comment_id else ""))


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def _find_comment(view: selectors.PostView, comment_id: int) -> selectors.CommentView | None:
    for item in view.comments:
        if item.comment.pk == comment_id:
            return item
        for reply in item.replies:
            if reply.comment.pk == comment_id:
                return reply
    return None


def _my_reaction(view: selectors.PostView, comment_id: int | None) -> str | None:
    return _reaction_state(view, comment_id)[1]


def _reaction_state(
    view: selectors.PostView, comment_id: int | None
) -> tuple[dict[str, int], str | None]:
    if comment_id is None:
        return view.entry.reaction_counts, view.entry.my_reaction
    item = _find_comment(view, comment_id)
    if item is None:
        raise NotFound("comment")
    return item.reaction_counts, item.my_reaction


@login_required
@require_GET
def reactors(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    comment_id = int_or_none(request.GET.get("comment"))
    try:
        by_kind = selectors.reactors(viewer=viewer, post_id=post_id, comment_id=comment_id)
    except NotFound:
        raise Http404 from None
    post = _post_or_404(viewer, post_id)
    labels = dict(reaction_kinds())
    groups = [
        {"kind": kind, "label": labels.get(kind, kind), "people": people}
        for kind, people in by_kind.items()
    ]
    template = "content/reactors.html#list" if is_htmx(request) else "content/reactors.html"
    return render(request, template, {"post": post, "groups": groups, "comment_id": comment_id})


# ---------------------------------------------------------------- comments


@login_required
@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    form = CommentForm(request.POST, auto_id="comment-%s")
    parent_id = int_or_none(request.POST.get("parent"))
    attachments = pending_attachments(viewer, request.POST.getlist("attachment_ids"))
    status = 400
    if form.is_valid():
        try:
            comment = services.comment_create(
                actor=viewer,
                post_id=post_id,
                body=form.cleaned_data["body"],
                parent_id=parent_id,
                attachment_ids=[attachment.pk for attachment in attachments],
            )
        except NotFound:
            raise Http404 from None
        except RucherError as error:
            add_service_error(form, error)
            status = error_status(error)
        else:
            return redirect(post_url(post_id, f"comment-{comment.pk}"))
    extra: dict[str, Any] = {"comment_attachments": attachments}
    if parent_id:
        extra.update({"reply_form": form, "reply_parent": parent_id})
    else:
        extra["comment_form"] = form
    return render_post(request, viewer, post_id, status=status, **extra)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = request_user(request)
    comment = _comment_or_404(viewer, comment_id)
    if not policy.can_edit(viewer, comment):
        raise PermissionDenied(_("Only the author may edit this comment."))
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.comment_edit(
                    actor=viewer, comment_id=comment.pk, body=form.cleaned_data["body"]
                )
            except RucherError as error:
                add_service_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("Your comment is updated."))
                return redirect(post_url(comment.post_id, f"comment-{comment.pk}"))
    return render(
        request,
        "content/comment_edit.html",
        {"form": form, "comment": comment, "post": comment.post},
        status=status,
    )


@login_required
@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = request_user(request)
    comment = _comment_or_404(viewer, comment_id)
    return _act(
        request,
        comment.post_id,
        lambda actor: services.comment_delete(actor=actor, comment_id=comment.pk),
        success=_("The comment is deleted."),
        anchor="comments",
    )


@login_required
@require_POST
def accept_answer(request: HttpRequest, post_id: int) -> HttpResponse:
    comment_id = int_or_none(request.POST.get("comment")) or 0
    return _act(
        request,
        post_id,
        lambda actor: services.question_accept_answer(
            actor=actor, post_id=post_id, comment_id=comment_id
        ),
        success=_("The answer is marked as accepted."),
        anchor=f"comment-{comment_id}",
    )


# ---------------------------------------------------------------- post types


@login_required
@require_POST
def poll_vote(request: HttpRequest, post_id: int) -> HttpResponse:
    option_ids = [
        value for value in map(int_or_none, request.POST.getlist("option")) if value is not None
    ]

    def vote(actor: User) -> None:
        services.poll_vote(actor=actor, post_id=post_id, option_ids=option_ids)

    return _act(request, post_id, vote, success=_("Your vote is counted."), anchor="poll")


@login_required
@require_POST
def poll_close(request: HttpRequest, post_id: int) -> HttpResponse:
    return _act(
        request,
        post_id,
        lambda actor: services.poll_close(actor=actor, post_id=post_id),
        success=_("The poll is closed."),
        anchor="poll",
    )


@login_required
@require_POST
def idea_vote(request: HttpRequest, post_id: int) -> HttpResponse:
    def vote(actor: User) -> None:
        if request.POST.get("vote") == "0":
            services.idea_unvote(actor=actor, post_id=post_id)
        else:
            services.idea_vote(actor=actor, post_id=post_id)

    return _act(request, post_id, vote, anchor="idea")


@login_required
@require_POST
def idea_status(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    form = IdeaStatusForm(request.POST, auto_id="idea-%s")
    status = 400
    if form.is_valid():
        try:
            services.idea_set_status(
                actor=viewer,
                post_id=post_id,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
            )
        except NotFound:
            raise Http404 from None
        except RucherError as error:
            add_service_error(form, error)
            status = error_status(error)
        else:
            if not is_htmx(request):
                messages.success(request, _("The idea's status is updated; its voters are told."))
            return redirect(post_url(post_id, "idea"))
    return render_post(request, viewer, post_id, status=status, idea_form=form)


@login_required
@require_POST
def event_rsvp(request: HttpRequest, post_id: int) -> HttpResponse:
    answer = request.POST.get("answer", "")
    return _act(
        request,
        post_id,
        lambda actor: services.event_rsvp(actor=actor, post_id=post_id, answer=answer),
        anchor="event",
    )


@login_required
@require_POST
def event_cancel(request: HttpRequest, post_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:1000]
    return _act(
        request,
        post_id,
        lambda actor: services.event_cancel(actor=actor, post_id=post_id, reason=reason),
        success=_("The event is cancelled; the people going or maybe are told."),
        anchor="event",
    )


@login_required
@require_GET
def post_ics(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    post = _post_or_404(viewer, post_id)
    try:
        content = ics_module.ics(viewer, post)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_module.ics_filename(post)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def confirm_read(request: HttpRequest, post_id: int) -> HttpResponse:
    return _act(
        request,
        post_id,
        lambda actor: services.announcement_confirm_read(actor=actor, post_id=post_id),
        anchor="read",
    )


@login_required
@require_POST
def pin(request: HttpRequest, post_id: int) -> HttpResponse:
    pinned = request.POST.get("pin") != "0"

    def act(actor: User) -> None:
        if pinned:
            services.post_pin(actor=actor, post_id=post_id)
        else:
            services.post_unpin(actor=actor, post_id=post_id)

    return _act(
        request,
        post_id,
        act,
        success=_("The post is pinned.") if pinned else _("The post is unpinned."),
    )


# ---------------------------------------------------------------- edit, history, delete


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """The author changes the text; an event's time and place too (people going or maybe are
    told, calendars get a higher SEQUENCE), an announcement's read confirmation."""
    viewer = request_user(request)
    post = _post_or_404(viewer, post_id)
    if not policy.can_edit(viewer, post):
        raise PermissionDenied(_("Only the author may edit this post."))
    form = EditForm(request.POST or None, post=post)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.post_edit(
                    actor=viewer,
                    post_id=post.pk,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data["title"],
                    event=form.event_spec(),
                    asks_read_confirmation=form.read_confirmation(),
                )
            except RucherError as error:
                add_service_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _edit_message(form))
                return redirect(post_url(post.pk))
    return render(
        request,
        "content/post_edit.html",
        {
            "form": form,
            "post": post,
            "event": form.event,
            "time_zones": COMMON_TIME_ZONES,
            "draft_key": f"rucher-draft:{viewer.pk}:edit-{post.pk}",
        },
        status=status,
    )


def _edit_message(form: EditForm) -> str:
    event = form.event
    if event is not None:
        sequence = PostEvent.objects.filter(pk=event.pk).values_list("sequence", flat=True).first()
        if sequence is not None and sequence != event.sequence:
            return _("The event is updated; the people going or maybe are told.")
    return _("Your post is updated.")


@login_required
@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    post = _post_or_404(viewer, post_id)
    revisions = list(PostRevision.objects.filter(post=post).select_related("edited_by"))
    return render(request, "content/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    post = _post_or_404(viewer, post_id)
    if not policy.can_delete(viewer, post):
        raise PermissionDenied(_("You may not delete this post."))
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.post_delete(
                    actor=viewer, post_id=post.pk, reason=form.cleaned_data["reason"]
                )
            except RucherError as error:
                add_service_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("The post is deleted."))
                if post.community is not None:
                    return redirect("communities:detail", slug=post.community.slug)
                return redirect("content:profile_feed", person_id=post.author_id)
    return render(
        request,
        "content/post_delete.html",
        {"form": form, "post": post, "needs_reason": post.author_id != viewer.pk},
        status=status,
    )


# ---------------------------------------------------------------- reports and moderation


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_user(request)
    post = _post_or_404(viewer, post_id)
    comment_id = int_or_none(request.POST.get("comment") or request.GET.get("comment"))
    comment = _comment_or_404(viewer, comment_id) if comment_id else None
    if comment is not None and comment.post_id != post.pk:
        raise Http404
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                moderation.report_create(
                    actor=viewer,
                    post_id=post.pk,
                    comment_id=comment.pk if comment else None,
                    reason=form.cleaned_data["reason"],
                )
            except RucherError as error:
                add_service_error(form, error)
                status = error_status(error)
            else:
                messages.success(
                    request, _("Thank you: the moderators of this place will look at it.")
                )
                return redirect(post_url(post.pk, f"comment-{comment.pk}" if comment else ""))
    return render(
        request,
        "content/report.html",
        {"form": form, "post": post, "comment": comment},
        status=status,
    )


MODERATION_ACTIONS = {
    "hide": gettext_lazy("The post is hidden; its author is told why."),
    "restore": gettext_lazy("The post is visible again."),
    "lock": gettext_lazy("Comments are locked."),
    "unlock": gettext_lazy("Comments are open again."),
    "hide_comment": gettext_lazy("The comment is hidden; its author is told why."),
    "restore_comment": gettext_lazy("The comment is visible again."),
}


@login_required
@require_POST
def moderate(request: HttpRequest, post_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")[:1000]
    comment_id = int_or_none(request.POST.get("comment")) or 0

    def act(actor: User) -> None:
        if action == "hide":
            moderation.post_hide(actor=actor, post_id=post_id, reason=reason)
        elif action == "restore":
            moderation.post_restore(actor=actor, post_id=post_id, reason=reason)
        elif action == "lock":
            moderation.post_lock_comments(actor=actor, post_id=post_id)
        elif action == "unlock":
            moderation.post_unlock_comments(actor=actor, post_id=post_id)
        elif action == "hide_comment":
            moderation.comment_hide(actor=actor, comment_id=comment_id, reason=reason)
        elif action == "restore_comment":
            moderation.comment_restore(actor=actor, comment_id=comment_id, reason=reason)
        else:
            raise Invalid(_("Unknown action."))

    viewer = request_user(request)
    # Hiding: the post is readable now (not after); restoring: moderators act on what they
    # no longer read, so the moderation services decide.
    post = _post_or_404(viewer, post_id) if action == "hide" else None
    try:
        act(viewer)
    except NotFound:
        raise Http404 from None
    except RucherError as error:
        back = request.POST.get("next", "")
        if back.startswith("/moderation") or "/moderation/" in back:
            messages.error(request, error.message)
            return redirect(back)
        return render_post(
            request, viewer, post_id, error=error.message, status=error_status(error)
        )
    messages.success(request, str(MODERATION_ACTIONS[action]))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    if post is not None and post.author_id != viewer.pk:  # readers no longer see it
        if post.community is not None:
            return redirect("content:moderation_queue", slug=post.community.slug)
        return redirect("content:moderation")
    return redirect(post_url(post_id, f"comment-{comment_id}" if comment_id else ""))
