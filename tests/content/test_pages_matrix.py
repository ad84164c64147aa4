"""The permission matrix restricted to the conversation pages' rows, so that they can be
checked alone (the whole matrix, tests/test_permission_matrix.py, imports the same rows)."""

from __future__ import annotations

from tests import test_permission_matrix as matrix
from tests.matrix_content_pages import ROWS


class ContentPagesMatrix(matrix.PermissionMatrix):
    def test_every_endpoint_has_a_row(self) -> None:
        names = {
            name for name in matrix._url_names(matrix.get_resolver()) if name.startswith("content:")
        }
        assert names - {row.name for row in ROWS} == set(), "content pages without a row"

    def test_every_row_names_every_persona(self) -> None:
        for row in ROWS:
            assert set(row.expect) == set(matrix.PERSONAS), row.id

    def test_statuses(self) -> None:
        wrong: list[str] = []
        for row in ROWS:
            for persona in matrix.PERSONAS:
                problem = self._check(row, persona)
                if problem:
                    wrong.append(f"{row.id} as {persona}: {problem}")
        assert wrong == [], "\n" + "\n".join(wrong)
