"""Who may import and export: administrators the organisation, each person their own data."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from rucher.core.errors import Forbidden, NotFound
from rucher.exchange import services
from rucher.exchange.models import ExportRun


def _zip() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": "rucher-exchange",
                    "version": "1.0",
                    "source": {"system": "other", "name": "perm"},
                    "exported_at": "2024-01-01T00:00:00Z",
                }
            ),
        )
        bundle.writestr("people.jsonl", '{"id": "1", "email": "new.person@example.org"}\n')
    buffer.seek(0)
    buffer.name = "perm.zip"
    return buffer


@pytest.mark.django_db
def test_only_administrators_import_or_export_everything(admin, member, project_lead):
    for person in (member, project_lead):
        with pytest.raises(Forbidden):
            services.import_create(actor=person, path="/tmp/x")
        with pytest.raises(Forbidden):
            services.export_create(actor=person)
    assert services.export_create(actor=admin).scope == ExportRun.Scope.ORGANISATION


@pytest.mark.django_db
def test_a_person_exports_only_their_own_data(member, outsider, tmp_path):
    with pytest.raises(Forbidden):
        services.export_create(actor=member, person_id=outsider.pk)
    run = services.export_create(actor=member, person_id=member.pk)
    with pytest.raises(NotFound):
        services.access_export(user=outsider, run_id=run.pk)
    run = services.export_execute(run_id=run.pk)
    with zipfile.ZipFile(run.file.path) as bundle:
        people = bundle.read("people.jsonl").decode().splitlines()
        assert [json.loads(line)["email"] for line in people] == [member.email]
        assert json.loads(bundle.read("manifest.json"))["scope"] == "person"


@pytest.mark.django_db
def test_pages_and_api(client, admin, member):
    client.force_login(member)
    assert client.get("/exchange/imports/").status_code == 403
    assert client.get("/exchange/exports/").status_code == 403
    assert client.get("/exchange/my-data/").status_code == 200
    response = client.post("/exchange/my-data/")
    assert response.status_code == 302
    run = ExportRun.objects.get(created_by=member)
    assert client.get(f"/exchange/exports/{run.pk}/download/").status_code == 200
    assert (
        client.post(
            "/api/v1/exports", {"scope": "organisation"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(admin)
    assert client.get(f"/exchange/exports/{run.pk}/download/").status_code == 200
    response = client.post("/exchange/imports/", {"file": _zip(), "mode": "check"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"import-report" in page.content
    response = client.post("/api/v1/imports", {"file": _zip(), "dry_run": "false"})
    assert response.status_code == 201, response.content
    body = client.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert body["status"] == "done"
    assert body["counts"]["people.jsonl"]["created"] == 1
