"""Turning free-typed keywords into shared ``Tag`` rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify
from django.utils.translation import gettext as _

from rucher.core.errors import Invalid
from rucher.core.models import Tag

MAX_TAG_LENGTH = 64


def split_tag_input(raw: str) -> list[str]:
    """ "Python, gestion de projet; SQL" -> ["Python", "gestion de projet", "SQL"]."""
    names: list[str] = []
    for chunk in raw.replace(";", ",").replace("\n", ",").split(","):
        name = " ".join(chunk.split())
        if name:
            names.append(name)
    return names


def tags_for(names: Iterable[str], *, field: str) -> list[Tag]:
    """Existing or new tags for these names, one per distinct slug, in the order given."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if not clean:
            continue
        if len(clean) > MAX_TAG_LENGTH:
            raise Invalid(
                _("“%(tag)s” is too long (at most %(max)d characters).")
                % {"tag": clean[:20] + "…", "max": MAX_TAG_LENGTH},
                fields={field: [_("Each entry must be at most %d characters.") % MAX_TAG_LENGTH]},
            )
        slug = slugify(clean, allow_unicode=True)
        if slug and slug not in wanted:
            wanted[slug] = clean
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=wanted)}
    missing = [Tag(slug=slug, name=name) for slug, name in wanted.items() if slug not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing.update({tag.slug: tag for tag in Tag.objects.filter(slug__in=wanted)})
    return [existing[slug] for slug in wanted]
