"""The skeleton and charter of each kind in English and in French.

The existing texts become the English ones. The French ones are filled for the four kinds
every organisation starts with, where their English text is still the one shipped in 0002
(an administrator who rewrote it writes the French one too).
"""

import importlib

from django.db import migrations, models

# The English texts as 0002 shipped them (a module name cannot be imported with `import`).
shipped = importlib.import_module("rucher.communities.migrations.0002_default_kinds")

FRENCH = {
    "project": (
        "## Objectif\n\n## Livrables et échéances\n\n## Qui fait partie de l'équipe\n\n"
        "## Comment nous travaillons ici\n",
        "- Cet espace sert l'équipe projet ; les décisions y sont écrites.\n"
        "- Indiquez dans vos questions le lot de travail qu'elles concernent.\n"
        "- Les documents vivent dans l'espace documentaire du projet, pas en pièces jointes.\n"
        "- Soyez bienveillants et présumez la bonne foi.\n",
    ),
    "profession": (
        "## Qui nous sommes\n\n## Ce que nous partageons ici\n\n## Nos références et nos outils\n",
        "- Partagez ce que vous apprenez, y compris ce qui n'a pas marché.\n"
        "- Posez vos questions : aucune n'est naïve ; marquez la meilleure réponse.\n"
        "- Rien de confidentiel sur les clients ni sur les collègues.\n",
    ),
    "best_practice": (
        "## La pratique que nous améliorons ensemble\n\n## Comment proposer une pratique\n\n"
        "## Pratiques déjà adoptées\n",
        "- Un message par pratique, avec son contexte et ses résultats.\n"
        "- Citez les personnes et les équipes à l'origine d'une pratique.\n"
        "- Contestez les arguments, pas les personnes.\n",
    ),
    "interest": (
        "## Ce qui nous rassemble\n\n## Comment participer\n",
        "- Tout le monde est bienvenu.\n- Restons aimables et respectueux.\n- Pas de publicité.\n",
    ),
}


def add_french(apps, schema_editor):
    CommunityKind = apps.get_model("communities", "CommunityKind")
    english = {kind["code"]: kind for kind in shipped.KINDS}
    for code, (skeleton, charter) in FRENCH.items():
        kind = CommunityKind.objects.filter(code=code).first()
        if kind is None or code not in english:
            continue
        changed = []
        if kind.description_template_en == english[code]["description_template"]:
            kind.description_template_fr = skeleton
            changed.append("description_template_fr")
        if kind.default_charter_en == english[code]["default_charter"]:
            kind.default_charter_fr = charter
            changed.append("default_charter_fr")
        if changed:
            kind.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("communities", "0003_clock_defaults")]

    operations = [
        migrations.RenameField("communitykind", "description_template", "description_template_en"),
        migrations.RenameField("communitykind", "default_charter", "default_charter_en"),
        migrations.AlterField(
            model_name="communitykind",
            name="description_template_en",
            field=models.TextField(blank=True, verbose_name="description skeleton (English)"),
        ),
        migrations.AlterField(
            model_name="communitykind",
            name="default_charter_en",
            field=models.TextField(blank=True, verbose_name="default charter (English)"),
        ),
        migrations.AddField(
            model_name="communitykind",
            name="description_template_fr",
            field=models.TextField(blank=True, verbose_name="description skeleton (French)"),
        ),
        migrations.AddField(
            model_name="communitykind",
            name="default_charter_fr",
            field=models.TextField(blank=True, verbose_name="default charter (French)"),
        ),
        migrations.RunPython(add_french, migrations.RunPython.noop),
    ]
