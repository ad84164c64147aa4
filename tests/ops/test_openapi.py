"""The committed OpenAPI document (docs/openapi.json) matches the code and is valid."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openapi_spec_validator import validate

from rucher.ops.management.commands.export_openapi import default_path, openapi_document

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_the_committed_document_matches_the_code():
    committed = default_path().read_text(encoding="utf-8")
    assert committed == openapi_document(), (
        "docs/openapi.json is out of date: run `rucher export_openapi` and commit it."
    )


def test_the_document_is_valid_openapi():
    validate(json.loads(openapi_document()))


def test_every_operation_is_described_and_typed():
    document = json.loads(openapi_document())
    for method, path, operation in operations(document):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        assert operation.get("tags"), f"{where} has no tag"
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, f"{where} documents no success answer"
        for code in success:
            content = operation["responses"][code].get("content", {})
            schema = content.get("application/json", {}).get("schema")
            assert schema, f"{where} answers {code} without a declared schema"


def test_people_endpoints_document_their_errors():
    document = json.loads(openapi_document())
    error_ref = "#/components/schemas/ErrorOut"
    for method, path, operation in operations(document):
        if not path.startswith(("/api/v1/people", "/api/v1/me", "/api/v1/org-units")):
            continue
        assert operation.get("description"), f"{method.upper()} {path} has no description"
        unauthorised = operation["responses"]["401"]["content"]["application/json"]
        assert unauthorised["schema"]["$ref"] == error_ref


def test_the_command_writes_a_stable_sorted_document(tmp_path):
    output = tmp_path / "api" / "openapi.json"
    call_command("export_openapi", "--output", str(output), stdout=StringIO())
    text = output.read_text(encoding="utf-8")
    assert text == openapi_document()
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_the_command_can_check_instead_of_writing(tmp_path):
    output = tmp_path / "openapi.json"
    with pytest.raises(CommandError, match="out of date"):
        call_command("export_openapi", "--output", str(output), "--check", stdout=StringIO())
    assert not output.exists()
    call_command("export_openapi", "--output", str(output), stdout=StringIO())
    call_command("export_openapi", "--output", str(output), "--check", stdout=StringIO())


def test_the_command_prints_to_stdout():
    out = StringIO()
    call_command("export_openapi", "--output", "-", stdout=out)
    assert out.getvalue() == openapi_document()
