"""The report's permission-matrix rows checked against the pilot world, on their own
(tests/test_permission_matrix.py checks them again with every other row once wired)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase

from tests import cast
from tests import test_permission_matrix as matrix  # not its class: pytest would run it
from tests.matrix_pilots_report import ROWS
from tests.pilots.world import build_pilot_world


class ReportMatrix(TestCase):
    world: ClassVar[dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        org = cast.build_org()
        people = cast.build_personas(org)
        communities = cast.build_communities(people, people["other_guest"], people["former_member"])
        cls.world = {
            **people,
            "communities": communities,
            **build_pilot_world(people, communities, org),
        }

    def test_rows_name_every_persona(self) -> None:
        for row in ROWS:
            assert set(row.expect) == set(matrix.PERSONAS), row.id

    def test_statuses(self) -> None:
        wrong = []
        for row in ROWS:
            for persona in matrix.PERSONAS:
                problem = matrix.PermissionMatrix._check(self, row, persona)  # type: ignore[arg-type]
                if problem:
                    wrong.append(f"{row.id} as {persona}: {problem}")
        assert wrong == [], "\n" + "\n".join(wrong)
