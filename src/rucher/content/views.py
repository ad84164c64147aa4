"""Conversation pages: the feeds, the composer, mention suggestions and attachments.

Every read goes through the content selectors (``Post.objects.visible_to`` underneath), every
write through the content services. A community or a person the viewer may not see gives the
same 404 as a missing one. A refused write re-renders the form with the message and
everything typed (the pending attachments included): status 400 for refused input, 403 when
the person may see the place but not write there.

htmx requests get partials (the feed's entries, the composer, a reactions bar); the same
addresses answer plain requests with whole pages, so every form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rucher.accounts import policy as people_policy
from rucher.accounts.models import User
from rucher.communities import policy as community_policy
from rucher.communities.models import Community
from rucher.content import policy, selectors, services
from rucher.content.forms import COMMON_TIME_ZONES, PostForm
from rucher.content.models import Attachment, PostType, ReactionKind
from rucher.core.errors import Forbidden, Invalid, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user

FEED_PAGE = 20
MENTION_LIMIT = 8
SORTS = {"newest", "activity"}


# ---------------------------------------------------------------- helpers


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def int_or_none(raw: object) -> int | None:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def community_or_404(viewer: User, slug: str) -> Community:
    try:
        return community_policy.access_community(user=viewer, slug=slug)
    except NotFound:
        raise Http404 from None


def person_or_404(viewer: User, person_id: int) -> User:
    try:
        return people_policy.access_person(viewer=viewer, person_id=person_id)
    except NotFound:
        raise Http404 from None


def reaction_kinds() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in ReactionKind.choices]


# ---------------------------------------------------------------- feeds


def feed_url(kind: str, target: Any = None) -> str:
    if kind == "community":
        return reverse("content:community_feed", args=[target.slug])
    if kind == "profile":
        return reverse("content:profile_feed", args=[target.pk])
    if kind == "tag":
        return reverse("content:hashtag", args=[target])
    if kind == "unanswered":
        if target is not None:
            return reverse("content:community_unanswered", args=[target.slug])
        return reverse("content:unanswered")
    return reverse("content:home_feed")


def feed_key(kind: str, target: Any = None) -> str:
    if kind in ("community", "profile") or (kind == "unanswered" and target is not None):
        return f"{kind}:{target.pk}"
    if kind == "tag":
        return f"tag:{target}"
    return kind


def load_feed(
    viewer: User,
    kind: str,
    target: Any = None,
    *,
    cursor: str | None = None,
    sort: selectors.Sort = "newest",
    limit: int = FEED_PAGE,
) -> selectors.FeedPage:
    cursor = cursor or None
    if kind == "community":
        return selectors.community_feed(
            viewer=viewer, community=target, cursor=cursor, limit=limit, sort=sort
        )
    if kind == "profile":
        return selectors.profile_feed(
            viewer=viewer, person=target, cursor=cursor, limit=limit, sort=sort
        )
    if kind == "tag":
        return selectors.hashtag_feed(
            viewer=viewer, tag_slug=target, cursor=cursor, limit=limit, sort=sort
        )
    if kind == "unanswered":
        return selectors.unanswered_questions(
            viewer=viewer, community=target, cursor=cursor, limit=limit
        )
    return selectors.home_feed(viewer=viewer, cursor=cursor, limit=limit, sort=sort)


def composer_context(
    request: HttpRequest,
    viewer: User,
    community: Community | None,
    *,
    form: PostForm | None = None,
    attachments: Sequence[Attachment] = (),
    warnings: Sequence[User] = (),
) -> dict[str, Any] | None:
    """What the composer needs, or None when the viewer may not post in this place."""
    if not policy.can_post(viewer, community):
        return None
    types = [
        (str(value), str(label))
        for value, label in PostType.choices
        if value != PostType.ANNOUNCEMENT
    ]
    if community is not None and community_policy.can_manage(viewer, community):
        types.append((PostType.ANNOUNCEMENT.value, str(PostType.ANNOUNCEMENT.label)))
    place = f"community-{community.pk}" if community is not None else "profile"
    return {
        "form": form or PostForm(types=types),
        "community": community,
        "types": types,
        "attachments": list(attachments),
        "warnings": list(warnings),
        "draft_key": f"rucher-draft:{viewer.pk}:{place}",
        "time_zones": COMMON_TIME_ZONES,
        "next": request.get_full_path() if request.method == "GET" else "",
    }


def feed_context(
    request: HttpRequest,
    viewer: User,
    kind: str,
    target: Any = None,
    *,
    composer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The context of ``content/_feed.html`` for one feed, from the request's cursor and sort."""
    sort: selectors.Sort = "activity" if request.GET.get("sort") == "activity" else "newest"
    cursor = request.GET.get("cursor") or None
    error = ""
    try:
        page = load_feed(viewer, kind, target, cursor=cursor, sort=sort)
    except Invalid as problem:  # a stale or forged cursor: start again from the top
        error = problem.message
        cursor = None
        page = load_feed(viewer, kind, target, sort=sort)
    entries = list(page.items)
    pinned = list(page.pinned)
    url = feed_url(kind, target)
    return {
        "feed": {
            "kind": kind,
            "key": feed_key(kind, target),
            "dom_id": "feed-" + slugify(feed_key(kind, target).replace(":", "-")),
            "url": url,
            "sort": sort,
            "sortable": kind != "unanswered",
            "cursor": cursor,
            "next": page.next,
            "since": max((entry.post.pk for entry in [*pinned, *entries]), default=0),
            "error": error,
            "community": target if kind == "community" else None,
            "show_place": kind != "community",
        },
        "entries": entries,
        "pinned": pinned,
        "composer": composer,
        "reaction_kinds": reaction_kinds(),
    }


def _feed_response(
    request: HttpRequest, context: dict[str, Any], page_template: str
) -> HttpResponse:
    """The entries after the cursor ("more"), the whole feed (the "new posts" reload) or the
    full page."""
    if is_htmx(request):
        target = request.headers.get("HX-Target", "")
        if request.GET.get("cursor"):
            return render(request, "content/_feed.html#entries", context)
        if target.startswith("feed-"):
            return render(request, "content/_feed.html", context)
    return render(request, page_template, context)


@login_required
@require_GET
def home_feed(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    context = feed_context(
        request, viewer, "home", composer=composer_context(request, viewer, None)
    )
    context["title"] = _("News from my communities and the people I follow")
    return _feed_response(request, context, "content/feed_page.html")


@login_required
@require_GET
def community_feed(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    community = community_or_404(viewer, slug)
    if not policy.can_read_place(viewer, community):
        raise PermissionDenied(_("The conversations of this community are for its members."))
    context = feed_context(
        request,
        viewer,
        "community",
        community,
        composer=composer_context(request, viewer, community),
    )
    context.update(community_header(viewer, community))
    return _feed_response(request, context, "content/community_feed.html")


def community_header(viewer: User, community: Community) -> dict[str, Any]:
    membership = community_policy.membership_of(viewer, community)
    return {
        "community": community,
        "reads": community_policy.can_read(viewer, community, membership),
        "manages": community_policy.can_manage(viewer, community, membership),
        "membership": membership,
    }


@login_required
@require_GET
def profile_feed(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = request_user(request)
    person = person_or_404(viewer, person_id)
    composer = composer_context(request, viewer, None) if person.pk == viewer.pk else None
    context = feed_context(request, viewer, "profile", person, composer=composer)
    context["person"] = person
    return _feed_response(request, context, "content/profile_feed.html")


@login_required
@require_GET
def hashtag(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    tag = slugify(slug, allow_unicode=True)
    if not tag:
        raise Http404
    context = feed_context(request, viewer, "tag", tag)
    context["tag"] = tag
    return _feed_response(request, context, "content/hashtag.html")


@login_required
@require_GET
def unanswered(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    context = feed_context(request, viewer, "unanswered")
    return _feed_response(request, context, "content/unanswered.html")


@login_required
@require_GET
def community_unanswered(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    community = community_or_404(viewer, slug)
    if not policy.can_read_place(viewer, community):
        raise PermissionDenied(_("The conversations of this community are for its members."))
    context = feed_context(request, viewer, "unanswered", community)
    context.update(community_header(viewer, community))
    return _feed_response(request, context, "content/unanswered.html")


def _feed_target(viewer: User, key: str) -> tuple[str, Any]:
    """The feed a "new posts" poll is about, from its key ("community:12", "tag:rail")."""
    kind, _sep, value = key.partition(":")
    if kind == "home":
        return "home", None
    if kind == "community":
        try:
            community = community_policy.access_community(
                user=viewer, community_id=int_or_none(value) or 0
            )
        except NotFound:
            raise Http404 from None
        return "community", community
    if kind == "profile":
        return "profile", person_or_404(viewer, int_or_none(value) or 0)
    if kind == "tag" and value:
        return "tag", slugify(value, allow_unicode=True)
    raise Http404


@login_required
@require_GET
def new_posts(request: HttpRequest) -> HttpResponse:
    """How many posts arrived in a feed since the newest one shown: the "3 new posts" button."""
    viewer = request_user(request)
    kind, target = _feed_target(viewer, request.GET.get("feed", "home"))
    since = int_or_none(request.GET.get("since")) or 0
    sort = request.GET.get("sort", "newest")
    count = selectors.new_posts_count(
        viewer=viewer,
        feed="hashtag" if kind == "tag" else kind,  # type: ignore[arg-type]
        after_id=since,
        community=target if kind == "community" else None,
        person=target if kind == "profile" else None,
        tag_slug=target if kind == "tag" else "",
    )
    context = {
        "count": count,
        "url": feed_url(kind, target) + (f"?sort={sort}" if sort in SORTS else ""),
        "dom_id": "feed-" + slugify(feed_key(kind, target).replace(":", "-")),
    }
    return render(request, "content/_new_posts.html", context)


# ---------------------------------------------------------------- the composer


def _place(viewer: User, raw: str | None) -> Community | None:
    community_id = int_or_none(raw)
    if community_id is None:
        return None
    try:
        return community_policy.access_community(user=viewer, community_id=community_id)
    except NotFound:
        raise Http404 from None


def pending_attachments(viewer: User, raw_ids: Sequence[str]) -> list[Attachment]:
    """The viewer's own uploads named in a form, in order; others are silently dropped."""
    from rucher.content.policy import access_attachment

    found = []
    for raw in list(dict.fromkeys(raw_ids))[:20]:
        attachment_id = int_or_none(raw)
        if attachment_id is None:
            continue
        try:
            attachment = access_attachment(user=viewer, attachment_id=attachment_id)
        except NotFound:
            continue
        if attachment.uploaded_by_id == viewer.pk and attachment.post_id is None:
            found.append(attachment)
    return found


def _upload_files(viewer: User, request: HttpRequest) -> list[Attachment]:
    """Files sent with the form itself (without JavaScript they are not uploaded earlier)."""
    from rucher.content.attachments import attachment_upload

    return [
        attachment_upload(actor=viewer, upload=upload)
        for upload in request.FILES.getlist("upload")
        if upload.size
    ]


def _post_arguments(form: PostForm) -> dict[str, Any]:
    data = form.cleaned_data
    kind = data["type"]
    arguments: dict[str, Any] = {
        "type": kind,
        "title": data["title"],
        "body": data["body"],
    }
    if kind == PostType.POLL:
        arguments["poll"] = services.PollSpec(
            options=form.options_list(), multiple=data["multiple"], closes_at=data["closes_at"]
        )
    elif kind == PostType.EVENT:
        arguments["event"] = services.EventSpec(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=data["time_zone"],
            place=data["place"],
            online_url=data["online_url"],
        )
    elif kind == PostType.ANNOUNCEMENT:
        arguments["asks_read_confirmation"] = data["asks_read_confirmation"]
    return arguments


@login_required
@require_POST
def post_create(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    community = _place(viewer, request.POST.get("community"))
    composer = composer_context(request, viewer, community)
    if composer is None:
        raise PermissionDenied(
            _("Join this community to post in it.")
            if community is not None
            else _("Partner guests post in their communities.")
        )
    form = PostForm(request.POST, types=composer["types"])
    attachments = pending_attachments(viewer, request.POST.getlist("attachment_ids"))
    status = 400
    if form.is_valid():
        try:
            attachments += _upload_files(viewer, request)
            post = services.post_create(
                actor=viewer,
                community_id=community.pk if community is not None else None,
                attachment_ids=[attachment.pk for attachment in attachments],
                **_post_arguments(form),
            )
        except RucherError as error:
            add_service_error(form, error)
            status = 403 if isinstance(error, Forbidden) else 400
        else:
            return _posted(request, viewer, community, post)
    next_url = safe_next(request, "")
    composer = composer_context(
        request,
        viewer,
        community,
        form=form,
        attachments=attachments,
        warnings=services.mention_warnings(viewer, community, request.POST.get("body", "")),
    )
    assert composer is not None
    composer["next"] = next_url
    if is_htmx(request):
        return render(request, "content/_composer.html", {"composer": composer}, status=status)
    # The whole page of the place, with the composer holding what was typed.
    if community is not None:
        context = feed_context(request, viewer, "community", community, composer=composer)
        context.update(community_header(viewer, community))
        return render(request, "content/community_feed.html", context, status=status)
    context = feed_context(request, viewer, "home", composer=composer)
    context["title"] = _("News from my communities and the people I follow")
    return render(request, "content/feed_page.html", context, status=status)


def _posted(
    request: HttpRequest, viewer: User, community: Community | None, post: Any
) -> HttpResponse:
    if is_htmx(request):
        # A fresh composer; the feed on the page reloads its first page on "content-posted".
        composer = composer_context(request, viewer, community) or {}
        composer["next"] = safe_next(request, "")
        response = render(request, "content/_composer.html", {"composer": composer})
        response["HX-Trigger"] = "content-posted"
        return response
    messages.success(request, _("Your post is published."))
    fallback = reverse("content:post", args=[post.pk])
    return redirect(safe_next(request, fallback))


# ---------------------------------------------------------------- mentions and preview


@login_required
@require_GET
def mention_suggestions(request: HttpRequest) -> HttpResponse:
    """People the author may mention, matching what follows the "@"; flagged when they
    cannot read the place (they would not be notified)."""
    viewer = request_user(request)
    query = " ".join(request.GET.get("q", "").split())[:60]
    community = _place(viewer, request.GET.get("community"))
    people: list[dict[str, Any]] = []
    if query:
        found = (
            User.objects.visible_to(viewer)
            .filter(is_active=True, display_name__icontains=query)
            .exclude(pk=viewer.pk)
            .select_related("profile")
            .order_by("display_name", "pk")[:MENTION_LIMIT]
        )
        people = [
            {"person": person, "warn": not policy.can_read_place(person, community)}
            for person in found
        ]
    return render(
        request,
        "content/_mention_options.html",
        {"people": people, "query": query, "community": community},
    )


@login_required
@require_POST
def mention_check(request: HttpRequest) -> HttpResponse:
    """The warnings to show before posting: mentioned people who cannot read the place."""
    viewer = request_user(request)
    community = _place(viewer, request.POST.get("community"))
    body = request.POST.get("body", "")[:50_000]
    warnings = services.mention_warnings(viewer, community, body)
    return render(request, "content/_mention_warnings.html", {"warnings": warnings})


# ---------------------------------------------------------------- attachments


@login_required
@require_POST
def attachment_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file as soon as it is chosen; the form keeps its id in a hidden input."""
    from rucher.content import attachments as attachments_module

    viewer = request_user(request)
    uploads = [upload for upload in request.FILES.getlist("upload") if upload.size]
    made: list[Attachment] = []
    errors: list[str] = []
    if not uploads:
        errors.append(_("Choose a file first."))
    for upload in uploads[:10]:
        try:
            made.append(attachments_module.attachment_upload(actor=viewer, upload=upload))
        except RucherError as error:
            errors.append(f"{upload.name}: {error.message}")
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "attachments": [
                    {"id": item.pk, "name": item.name, "size": item.size} for item in made
                ],
                "errors": errors,
            },
            status=400 if errors and not made else 200,
        )
    return render(
        request,
        "content/_attachment_chips.html",
        {"attachments": made, "errors": errors},
        status=400 if errors and not made else 200,
    )


def _attachment_response(request: HttpRequest, attachment_id: int, *, thumbnail: bool) -> Any:
    from rucher.content import attachments as attachments_module

    viewer = request_user(request)
    try:
        attachment = policy.access_attachment(user=viewer, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    try:
        return attachments_module.attachment_response(attachment, thumbnail=thumbnail)
    except (NotFound, FileNotFoundError):
        raise Http404 from None


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    return _attachment_response(request, attachment_id, thumbnail=False)


@login_required
@require_GET
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    return _attachment_response(request, attachment_id, thumbnail=True)
