"""The community kinds the data migrations create, put back after a test that flushed the
database (a live-server browser test): the next test would find them gone."""

from __future__ import annotations

import importlib


def restore_default_kinds() -> None:
    from rucher.communities.models import CommunityKind

    shipped = importlib.import_module("rucher.communities.migrations.0002_default_kinds")
    french = importlib.import_module(
        "rucher.communities.migrations.0004_kind_templates_in_two_languages"
    ).FRENCH
    for kind in shipped.KINDS:
        fields = dict(kind)
        skeleton_fr, charter_fr = french[kind["code"]]
        fields["description_template_en"] = fields.pop("description_template")
        fields["default_charter_en"] = fields.pop("default_charter")
        fields["description_template_fr"] = skeleton_fr
        fields["default_charter_fr"] = charter_fr
        CommunityKind.objects.get_or_create(code=fields.pop("code"), defaults=fields)
