"""The four kinds every organisation starts with; administrators add more in the admin."""

from django.db import migrations

KINDS = [
    {
        "code": "project",
        "name_en": "Project",
        "name_fr": "Projet",
        "default_visibility": "private",
        "position": 1,
        "description_template": (
            "## Goal\n\n## Deliverables and deadlines\n\n## Who is in the team\n\n"
            "## How we work here\n"
        ),
        "default_charter": (
            "- This space serves the project team; decisions are written down here.\n"
            "- Tag your questions with the work package they concern.\n"
            "- Documents live in the project's document space, not in attachments.\n"
            "- Be kind and assume good intent.\n"
        ),
    },
    {
        "code": "profession",
        "name_en": "Profession",
        "name_fr": "Métier",
        "default_visibility": "open",
        "position": 2,
        "description_template": (
            "## Who we are\n\n## What we share here\n\n## Our references and tools\n"
        ),
        "default_charter": (
            "- Share what you learn, including what did not work.\n"
            "- Ask questions: there are no naive ones; mark the best answer.\n"
            "- Nothing confidential about customers or colleagues.\n"
        ),
    },
    {
        "code": "best_practice",
        "name_en": "Best practice",
        "name_fr": "Bonnes pratiques",
        "default_visibility": "open",
        "position": 3,
        "description_template": (
            "## The practice we improve together\n\n## How to contribute a practice\n\n"
            "## Practices already adopted\n"
        ),
        "default_charter": (
            "- One post per practice, with its context and its results.\n"
            "- Credit the people and teams behind a practice.\n"
            "- Disagree with arguments, not with people.\n"
        ),
    },
    {
        "code": "interest",
        "name_en": "Interest",
        "name_fr": "Centre d'intérêt",
        "default_visibility": "open",
        "position": 4,
        "description_template": "## What brings us together\n\n## How to take part\n",
        "default_charter": (
            "- Everyone is welcome.\n- Keep it friendly and respectful.\n"
            "- No advertising.\n"
        ),
    },
]


def add_kinds(apps, schema_editor):
    CommunityKind = apps.get_model("communities", "CommunityKind")
    for kind in KINDS:
        CommunityKind.objects.update_or_create(code=kind["code"], defaults=kind)


def remove_kinds(apps, schema_editor):
    CommunityKind = apps.get_model("communities", "CommunityKind")
    CommunityKind.objects.filter(code__in=[kind["code"] for kind in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, remove_kinds)]
