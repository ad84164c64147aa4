"""A new community starts from its kind's skeleton and charter in its creator's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from rucher.communities import services
from rucher.communities.models import CommunityKind


def test_the_creator_gets_the_skeleton_and_charter_of_their_language(project_lead):
    project_lead.language = "fr"
    project_lead.save(update_fields=["language"])
    french = services.community_create(actor=project_lead, name="Méthodes", kind="profession")
    assert french.description.startswith("## Qui nous sommes")
    assert "aucune n'est naïve" in french.charter

    project_lead.language = "en"
    project_lead.save(update_fields=["language"])
    english = services.community_create(actor=project_lead, name="Methods", kind="profession")
    assert english.description.startswith("## Who we are")
    assert "there are no naive ones" in english.charter


@pytest.mark.django_db
def test_without_a_chosen_language_the_request_language_decides_and_one_text_stands_in():
    kind = CommunityKind.objects.get(code="project")
    with translation.override("fr"):
        assert kind.description_template().startswith("## Objectif")
    with translation.override("en"):
        assert kind.description_template().startswith("## Goal")
    # An administrator who wrote one language only: the other language falls back on it.
    kind.default_charter_fr = ""
    assert kind.default_charter("fr") == kind.default_charter_en
